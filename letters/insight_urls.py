from django.urls import path

from . import insight_views

urlpatterns = [
    path("methodology/", insight_views.methodology, name="methodology"),
]
