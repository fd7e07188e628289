"""Pages that help readers cite, embed and compare letters."""

from django import forms
from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tracker.security import embeddable

from .cache import cached_public_page
from .citation import bibtex_citation, plain_citation
from .insight import SIGNED_STATUSES, compare_letters, topic_table
from .models import (
    LISTED_STATUSES,
    PUBLIC_STATUSES,
    Letter,
    Organiser,
    SignatureStatus,
    Topic,
    Visibility,
)
from .sitemaps import SITEMAPS


@require_GET
@cached_public_page
def methodology(request: HttpRequest) -> HttpResponse:
    context = {
        "licence_name": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
        "statuses": [
            {
                "label": status.label,
                "public": status in PUBLIC_STATUSES,
                "listed": status in LISTED_STATUSES,
            }
            for status in SignatureStatus
        ],
    }
    return render(request, "methodology.html", context)


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label="First letter"
    )
    b = forms.ModelChoiceField(
        queryset=Letter.objects.published(), to_field_name="slug", label="Second letter"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            raise forms.ValidationError("Choose two different letters to compare.")
        return cleaned


@require_GET
@cached_public_page
def compare(request: HttpRequest) -> HttpResponse:
    """Who signed both of two letters, and who signed only one. Works as a plain GET form."""
    submitted = "a" in request.GET or "b" in request.GET
    form = CompareForm(request.GET if submitted else None)
    comparison = (
        compare_letters(form.cleaned_data["a"], form.cleaned_data["b"])
        if (submitted and form.is_valid())
        else None
    )
    status = 400 if submitted and comparison is None else 200
    context = {"form": form, "comparison": comparison, "signed_statuses": SIGNED_STATUSES}
    return render(request, "letters/compare.html", context, status=status)


def _public_topics():
    return Topic.objects.annotate(
        letter_count=Count("letters", filter=Q(letters__visibility=Visibility.PUBLISHED))
    ).filter(letter_count__gt=0)


@require_GET
@cached_public_page
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "letters/topic_list.html", {"topics": _public_topics()})


@require_GET
@cached_public_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(_public_topics(), slug=slug)
    return render(request, "letters/topic_detail.html", {"table": topic_table(topic)})


BADGE_NAME = "Open Letter Tracker"


@embeddable
@require_GET
@cached_public_page
def letter_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """An SVG badge other sites may show: 'N listed signatories'."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    label = f"{letter.listed_count:,} listed signator{'y' if letter.listed_count == 1 else 'ies'}"
    # Wide enough for the text in the badge's 11px Verdana, about 7px a character.
    name_width, label_width = 12 + 7 * len(BADGE_NAME), 12 + 7 * len(label)
    context = {
        "letter": letter,
        "label": label,
        "name_width": name_width,
        "label_width": label_width,
        "total_width": name_width + label_width,
        "name_x": name_width / 2,
        "label_x": name_width + label_width / 2,
    }
    return render(request, "letters/badge.svg", context, content_type="image/svg+xml")


@embeddable
@require_GET
@cached_public_page
def letter_widget(request: HttpRequest, slug: str) -> HttpResponse:
    """A small page for an <iframe> on other sites: title, date, listed count, a link."""
    letters = Letter.objects.published().prefetch_related("reported_counts")
    letter = get_object_or_404(letters, slug=slug)
    return render(request, "letters/widget.html", {"letter": letter})


CITATION_FORMATS = {
    "txt": (plain_citation, "text/plain; charset=utf-8"),
    "bib": (bibtex_citation, "application/x-bibtex; charset=utf-8"),
}


# Never from the page cache: the access date is today's, and a cached copy would carry
# the date it was first served.
@require_GET
@cache_control(private=True, no_cache=True)
def letter_citation(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    build, content_type = CITATION_FORMATS[extension]
    letter = get_object_or_404(
        Letter.objects.published().prefetch_related(
            Prefetch(
                "organisers", queryset=Organiser.objects.select_related("organisation", "person")
            )
        ),
        slug=slug,
    )
    url = request.build_absolute_uri(letter.get_absolute_url())
    response = HttpResponse(build(letter, url, timezone.localdate()), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{letter.slug}.{extension}"'
    return response


@require_GET
@cached_public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


@require_GET
@cached_public_page
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The sitemap index: one sitemap per section, each in pages of SITEMAP_PAGE_SIZE URLs,
    so that 100,000 signatories make several small files instead of one of megabytes."""
    response = sitemap_views.index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap_section")
    # Rendered now: the page cache stores responses, and a lazy one cannot be stored.
    response.render()
    return response


@require_GET
@cached_public_page
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One page (`?p=N`) of one section; an unknown section or page is a 404."""
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    response.render()
    return response
