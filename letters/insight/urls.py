from django.urls import path

from . import views

urlpatterns = [
    path("compare/", views.compare, name="compare_letters"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path(
        "letters/<slug:slug>/cite.txt",
        views.letter_citation,
        {"extension": "txt"},
        name="letter_citation_text",
    ),
    path(
        "letters/<slug:slug>/cite.bib",
        views.letter_citation,
        {"extension": "bib"},
        name="letter_citation_bibtex",
    ),
]
