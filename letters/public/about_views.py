"""Public pages about how the tracker works: its methodology, what each status means,
the privacy notice, and each letter's log of corrections."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.models import LISTED_STATUSES, PUBLIC_STATUSES, Letter, SignatureStatus
from letters.page_cache import cached_public_page

from .statuses import SITE_SIGNUP_CASES, STATUS_EXPLANATIONS


@require_safe
@cached_public_page()
def methodology(request: HttpRequest) -> HttpResponse:
    context = {
        "licence_name": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
        "freshness_seconds": settings.PAGE_CACHE_COALESCE_SECONDS,
        "statuses": [
            {
                "label": status.label,
                "public": status in PUBLIC_STATUSES,
                "listed": status in LISTED_STATUSES,
            }
            for status in SignatureStatus
        ],
    }
    return render(request, "letters/public/methodology.html", context)


@require_safe
@cached_public_page()
def signature_statuses(request: HttpRequest) -> HttpResponse:
    statuses = [
        {
            "value": status.value,
            "label": status.label,
            "explanation": STATUS_EXPLANATIONS[status],
            "public": status in PUBLIC_STATUSES,
        }
        for status in SignatureStatus
    ]
    context = {"statuses": statuses, "site_signup_cases": SITE_SIGNUP_CASES}
    return render(request, "letters/public/statuses.html", context)


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    context = {"retention_days": settings.SIGNUP_RETENTION_DAYS}
    return render(request, "letters/public/privacy.html", context)


@require_safe
@cached_public_page(page_scopes.letter)
def correction_log(request: HttpRequest, slug: str) -> HttpResponse:
    """What was corrected on a letter, when and why: no personal data."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    context = {"letter": letter, "corrections": letter.corrections.all()}
    return render(request, "letters/public/correction_log.html", context)
