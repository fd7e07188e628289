"""The project's URLs plus a hello view that runs the project's full middleware stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("tracker.urls")),
]
