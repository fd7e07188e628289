from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<slug:slug>/", views.letter_detail, name="letter_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("search/", views.search, name="search"),
]
