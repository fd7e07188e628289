"""Pages that help readers cite, embed and compare letters."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "methodology.html",
        {"licence_name": settings.DATA_LICENCE_NAME, "licence_url": settings.DATA_LICENCE_URL},
    )
