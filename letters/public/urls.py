from django.urls import path

from . import about_views, signer_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<slug:slug>/", views.letter_detail, name="letter_detail"),
    path("letters/<slug:slug>/print/", views.letter_print, name="letter_print"),
    path("letters/<slug:slug>/timeline/", views.letter_timeline, name="letter_timeline"),
    path("letters/<slug:slug>/corrections/", about_views.correction_log, name="correction_log"),
    path("organisations/", signer_views.organisation_list, name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        signer_views.organisation_detail,
        name="organisation_detail",
    ),
    path("people/", signer_views.person_list, name="person_list"),
    path("people/<slug:slug>/", signer_views.person_detail, name="person_detail"),
    path("search/", signer_views.search, name="search"),
    path("methodology/", about_views.methodology, name="methodology"),
    path("statuses/", about_views.signature_statuses, name="signature_statuses"),
    path("privacy/", about_views.privacy, name="privacy"),
]
