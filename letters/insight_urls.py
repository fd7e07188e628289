from django.urls import path

from . import insight_views
from .cache import cached_public_page
from .feeds import LatestLettersFeed, LetterSignatoriesFeed

urlpatterns = [
    path("methodology/", insight_views.methodology, name="methodology"),
    path("compare/", insight_views.compare, name="compare_letters"),
    path("topics/", insight_views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", insight_views.topic_detail, name="topic_detail"),
    path("letters/<slug:slug>/badge.svg", insight_views.letter_badge, name="letter_badge"),
    path("letters/<slug:slug>/widget/", insight_views.letter_widget, name="letter_widget"),
    path(
        "letters/<slug:slug>/cite.txt",
        insight_views.letter_citation,
        {"extension": "txt"},
        name="letter_citation_text",
    ),
    path(
        "letters/<slug:slug>/cite.bib",
        insight_views.letter_citation,
        {"extension": "bib"},
        name="letter_citation_bibtex",
    ),
    path("feeds/letters/", cached_public_page(LatestLettersFeed()), name="letters_feed"),
    path(
        "letters/<slug:slug>/feed/",
        cached_public_page(LetterSignatoriesFeed()),
        name="letter_signatories_feed",
    ),
    path("sitemap.xml", insight_views.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", insight_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", insight_views.robots_txt, name="robots_txt"),
]
