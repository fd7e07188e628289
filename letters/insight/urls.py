from django.urls import include, path

from . import views

TEXT, BIBTEX = {"extension": "txt"}, {"extension": "bib"}

letter_pages = [
    path("cite.txt", views.letter_citation, TEXT, name="letter_citation_text"),
    path("cite.bib", views.letter_citation, BIBTEX, name="letter_citation_bibtex"),
]

urlpatterns = [
    path("letters/<slug:slug>/", include(letter_pages)),
    path("compare/", views.compare, name="compare_letters"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
]
