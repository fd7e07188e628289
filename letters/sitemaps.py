"""sitemap.xml: the public pages search engines should know. No drafts, no admin, no forms."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Letter, Organisation, Person, Topic, Visibility

# URLs per sitemap page; the protocol allows 50,000, smaller pages stay quick to build.
SITEMAP_PAGE_SIZE = 5_000


class PagedSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE


class PageSitemap(PagedSitemap):
    def items(self):
        return ["home", "organisation_list", "person_list", "topic_list", "methodology"]

    def location(self, name: str) -> str:
        return reverse(name)


class LetterSitemap(PagedSitemap):
    def items(self):
        return Letter.objects.published().order_by("pk")


class OrganisationSitemap(PagedSitemap):
    def items(self):
        return Organisation.objects.public().order_by("pk")


class PersonSitemap(PagedSitemap):
    def items(self):
        return Person.objects.public().order_by("pk")


class TopicSitemap(PagedSitemap):
    def items(self):
        return (
            Topic.objects.filter(letters__visibility=Visibility.PUBLISHED).distinct().order_by("pk")
        )


SITEMAPS = {
    "pages": PageSitemap,
    "letters": LetterSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
}
