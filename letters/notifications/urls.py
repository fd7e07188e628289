from django.urls import path

from letters.opendata.feeds import LetterChangesFeed, OrganisationChangesFeed, PersonChangesFeed

from . import views

urlpatterns = [
    path(
        "organisations/<slug:slug>/follow/",
        views.follow,
        {"kind": "organisation"},
        name="follow_organisation",
    ),
    path("people/<slug:slug>/follow/", views.follow, {"kind": "person"}, name="follow_person"),
    path("letters/<slug:slug>/follow/", views.follow, {"kind": "letter"}, name="follow_letter"),
    path("follow/sent/", views.follow_sent, name="follow_sent"),
    path("follow/confirm/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("follow/unsubscribe/<str:token>/", views.follow_unsubscribe, name="follow_unsubscribe"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path(
        "organisations/<slug:slug>/feed/",
        OrganisationChangesFeed(),
        name="organisation_changes_feed",
    ),
    path("people/<slug:slug>/feed/", PersonChangesFeed(), name="person_changes_feed"),
    path("letters/<slug:slug>/changes/feed/", LetterChangesFeed(), name="letter_changes_feed"),
]
