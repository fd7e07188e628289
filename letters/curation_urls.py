from django.urls import path

from . import curation_views

urlpatterns = [
    path("letters/<slug:slug>/timeline/", curation_views.letter_timeline, name="letter_timeline"),
    path("statuses/", curation_views.signature_statuses, name="signature_statuses"),
]
