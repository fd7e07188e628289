from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.page_cache import cached_public_page

from . import api, downloads, embeds, openapi, sitemaps
from .feeds import LatestLettersFeed, LetterSignatoriesFeed

letter_pages = [
    path("signatories.csv", downloads.letter_signatories_csv, name="letter_signatories_csv"),
    path("signatories.json", downloads.letter_signatories_json, name="letter_signatories_json"),
    path("badge.svg", embeds.letter_badge, name="letter_badge"),
    path("widget/", embeds.letter_widget, name="letter_widget"),
    path(
        "feed/",
        require_safe(cached_public_page(page_scopes.letter)(LetterSignatoriesFeed())),
        name="letter_signatories_feed",
    ),
]

api_letter = [
    path("", api.letter_detail, name="api_letter_detail"),
    path("signatures/", api.letter_signature_list, name="api_letter_signature_list"),
]

api_v1: list[URLPattern | URLResolver] = [
    path("openapi.json", openapi.schema, name="api_schema"),
    path("letters/", api.letter_list, name="api_letter_list"),
    path("letters/<slug:slug>/", include(api_letter)),
    path("signatures/<int:id>/", api.signature_detail, name="api_signature_detail"),
    path("organisations/", api.organisation_list, name="api_organisation_list"),
    path("organisations/<slug:slug>/", api.organisation_detail, name="api_organisation_detail"),
    path("people/", api.person_list, name="api_person_list"),
    path("people/<slug:slug>/", api.person_detail, name="api_person_detail"),
    path("endorsements/", api.endorsement_list, name="api_endorsement_list"),
    path("endorsements/<int:id>/", api.endorsement_detail, name="api_endorsement_detail"),
    path("sources/", api.source_list, name="api_source_list"),
    path("sources/<int:id>/", api.source_detail, name="api_source_detail"),
]

urlpatterns = [
    path("letters/<slug:slug>/", include(letter_pages)),
    path("api/v1/", include(api_v1)),
    path(
        "feeds/letters/",
        require_safe(cached_public_page(page_scopes.INDEXES)(LatestLettersFeed())),
        name="letters_feed",
    ),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
