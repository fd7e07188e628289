"""The public site, one URL module per part of the product (see README, "Where things
live"). The admin's own URLs, imports included, come from letters/admin.py.

`pages` are what people read and fill in: tracker/urls.py serves them in English and,
under /fr/, in French. `urlpatterns` are what machines read (the API, downloads, feeds,
embeds, the sitemap): one address each, whatever the language."""

from django.urls import URLPattern, URLResolver, include, path

pages: list[URLPattern | URLResolver] = [
    path("", include("letters.public.urls")),
    path("", include("letters.signing.urls")),
    path("", include("letters.insight.urls")),
    path("", include("letters.notifications.urls")),
]

urlpatterns = [
    path("", include("letters.opendata.urls")),
]
