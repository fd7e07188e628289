from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from letters.urls import pages
from tracker.health import health

# Pages people read are in English at their usual address and in French under /fr/
# (README, "Languages"). The language is in the URL, so the page cache, keyed by URL,
# never serves one language for the other. What machines read (letters/urls.py), the
# health check and the staff-only admin keep one address each.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("letters.urls")),
    *i18n_patterns(path("", include(pages)), prefix_default_language=False),
]
