"""The project's URLs plus a hello view that runs the project's full middleware stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker.urls import urlpatterns as project_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello", content_type="text/plain")


# The project's patterns themselves, not include()d: Django refuses i18n_patterns (the
# French pages under /fr/) in an included URLconf.
urlpatterns = [
    path("bench/hello/", hello),
    *project_urlpatterns,
]
