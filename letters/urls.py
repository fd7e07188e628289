"""The public site, one URL module per part of the product (see README, "Where things
live"). The admin's own URLs, imports included, come from letters/admin.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("letters.public.urls")),
    path("", include("letters.signing.urls")),
    path("", include("letters.opendata.urls")),
    path("", include("letters.insight.urls")),
    path("", include("letters.notifications.urls")),
]
