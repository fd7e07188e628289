from django.urls import include, path

from . import about_views, share_cards, views
from . import signer_views as signers

letter_pages = [
    path("", views.letter_detail, name="letter_detail"),
    path("print/", views.letter_print, name="letter_print"),
    path("timeline/", views.letter_timeline, name="letter_timeline"),
    path("card.png", share_cards.letter_share_card, name="letter_share_card"),
    path("corrections/", about_views.correction_log, name="correction_log"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<slug:slug>/", include(letter_pages)),
    path("organisations/", signers.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", signers.organisation_detail, name="organisation_detail"),
    path("people/", signers.person_list, name="person_list"),
    path("people/<slug:slug>/", signers.person_detail, name="person_detail"),
    path("search/", signers.search, name="search"),
    path("methodology/", about_views.methodology, name="methodology"),
    path("statuses/", about_views.signature_statuses, name="signature_statuses"),
    path("privacy/", about_views.privacy, name="privacy"),
]
