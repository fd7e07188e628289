from django.urls import path

from letters.page_cache import cached_public_page

from . import api, downloads, embeds, openapi, sitemaps
from .feeds import LatestLettersFeed, LetterSignatoriesFeed

urlpatterns = [
    path(
        "letters/<slug:slug>/signatories.csv",
        downloads.letter_signatories_csv,
        name="letter_signatories_csv",
    ),
    path(
        "letters/<slug:slug>/signatories.json",
        downloads.letter_signatories_json,
        name="letter_signatories_json",
    ),
    path("letters/<slug:slug>/badge.svg", embeds.letter_badge, name="letter_badge"),
    path("letters/<slug:slug>/widget/", embeds.letter_widget, name="letter_widget"),
    path("feeds/letters/", cached_public_page(LatestLettersFeed()), name="letters_feed"),
    path(
        "letters/<slug:slug>/feed/",
        cached_public_page(LetterSignatoriesFeed()),
        name="letter_signatories_feed",
    ),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("api/v1/openapi.json", openapi.schema, name="api_schema"),
    path("api/v1/letters/", api.letter_list, name="api_letter_list"),
    path("api/v1/letters/<slug:slug>/", api.letter_detail, name="api_letter_detail"),
    path(
        "api/v1/letters/<slug:slug>/signatures/",
        api.letter_signature_list,
        name="api_letter_signature_list",
    ),
    path("api/v1/signatures/<int:id>/", api.signature_detail, name="api_signature_detail"),
    path("api/v1/organisations/", api.organisation_list, name="api_organisation_list"),
    path(
        "api/v1/organisations/<slug:slug>/",
        api.organisation_detail,
        name="api_organisation_detail",
    ),
    path("api/v1/people/", api.person_list, name="api_person_list"),
    path("api/v1/people/<slug:slug>/", api.person_detail, name="api_person_detail"),
    path("api/v1/endorsements/", api.endorsement_list, name="api_endorsement_list"),
    path("api/v1/endorsements/<int:id>/", api.endorsement_detail, name="api_endorsement_detail"),
    path("api/v1/sources/", api.source_list, name="api_source_list"),
    path("api/v1/sources/<int:id>/", api.source_detail, name="api_source_detail"),
]
