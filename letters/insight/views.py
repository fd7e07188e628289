"""Pages that set letters side by side (comparisons, topics) and help readers cite them."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.models import SIGNED_STATUSES, Letter, Organiser, Topic
from letters.page_cache import cached_public_page

from .citation import bibtex_citation, plain_citation
from .compare import compare_letters
from .forms import CompareForm
from .topics import topic_table


@require_safe
@cached_public_page(page_scopes.INDEXES)
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
    return render(request, "letters/insight/compare.html", context, status=status)


@require_safe
@cached_public_page(page_scopes.INDEXES)
def topic_list(request: HttpRequest) -> HttpResponse:
    context = {"topics": Topic.objects.public()}
    return render(request, "letters/insight/topic_list.html", context)


@require_safe
@cached_public_page(page_scopes.INDEXES)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.public(), slug=slug)
    return render(request, "letters/insight/topic_detail.html", {"table": topic_table(topic)})


CITATION_FORMATS = {
    "txt": (plain_citation, "text/plain; charset=utf-8"),
    "bib": (bibtex_citation, "application/x-bibtex; charset=utf-8"),
}


# Never from the page cache: the access date is today's, and a cached copy would carry
# the date it was first served.
@require_safe
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
