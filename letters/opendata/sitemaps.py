"""sitemap.xml and robots.txt: the public pages search engines should know. No drafts, no
admin, no forms."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.models import Letter, Organisation, Person, Topic
from letters.page_cache import cached_public_page

# URLs per sitemap page; the protocol allows 50,000, smaller pages stay quick to build.
SITEMAP_PAGE_SIZE = 5_000


class PagedSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE
    # Each page in English and in French (/fr/), each listing the other as its alternate,
    # with English as the x-default (README, "Languages").
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(PagedSitemap):
    def items(self) -> list[str]:
        return ["home", "organisation_list", "person_list", "topic_list", "methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


class LetterSitemap(PagedSitemap):
    def items(self) -> QuerySet[Letter]:
        return Letter.objects.published().order_by("pk")


class OrganisationSitemap(PagedSitemap):
    def items(self) -> QuerySet[Organisation]:
        return Organisation.objects.public().order_by("pk")


class PersonSitemap(PagedSitemap):
    def items(self) -> QuerySet[Person]:
        return Person.objects.public().order_by("pk")


class TopicSitemap(PagedSitemap):
    def items(self) -> QuerySet[Topic]:
        return Topic.objects.public().order_by("pk")


# Sitemap classes; Django also takes instances, and its views ask for a dict of either.
SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": PageSitemap,
    "letters": LetterSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
}


@require_safe
@cached_public_page()
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


@require_safe
@cached_public_page(page_scopes.INDEXES)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The sitemap index: one sitemap per section, each in pages of SITEMAP_PAGE_SIZE URLs,
    so that 100,000 signatories make several small files instead of one of megabytes."""
    response = sitemap_views.index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap_section")
    # Rendered now: the page cache stores responses, and a lazy one cannot be stored.
    response.render()
    return response


@require_safe
@cached_public_page(page_scopes.INDEXES)
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One page (`?p=N`) of one section; an unknown section or page is a 404."""
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    response.render()
    return response
