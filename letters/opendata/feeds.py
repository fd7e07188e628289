"""Atom feeds: the letters we track, and the newest public signatories of one letter.

Every text in them is plain text: names, roles and summaries come from sign-ups and
curators, and a feed reader must show "<script>" as those characters, never run it.
"""

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from letters.lib.partial_dates import parse_partial_date
from letters.models import Letter, Signature, SignatureStatus

FEED_ITEMS = 50


class PlainTextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries: Django's Atom feed marks them `type="html"`, which
    tells readers to render the text as markup."""

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def _start_of(partial_date: str | None) -> datetime.datetime | None:
    """A partial date as the first moment it can mean (a feed needs a full timestamp)."""
    if not partial_date:
        return None
    year, month, day = parse_partial_date(partial_date)
    return datetime.datetime(year, month or 1, day or 1, tzinfo=datetime.UTC)


class LatestLettersFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = _("Open Letter Tracker: letters")
    subtitle = _("Open letters, newest first, with who signed them and the sources for each fact.")

    def link(self) -> str:
        return reverse("home")

    def items(self) -> QuerySet[Letter]:
        return Letter.objects.published().order_by("-date", "-pk")[:FEED_ITEMS]

    def item_title(self, letter: Letter) -> str:
        return letter.title

    def item_description(self, letter: Letter) -> str:
        listed = ngettext(
            "%(count)s listed signatory.", "%(count)s listed signatories.", letter.listed_count
        ) % {"count": letter.listed_count}
        return f"{letter.display_date}. {letter.summary} {listed}".strip()

    def item_pubdate(self, letter: Letter) -> datetime.datetime | None:
        return _start_of(letter.date)


class LetterSignatoriesFeed(Feed):
    """The latest public signatures of a letter, by entry order (newest first)."""

    feed_type = PlainTextAtomFeed

    def get_object(self, request: HttpRequest, slug: str) -> Letter:
        return get_object_or_404(Letter.objects.published(), slug=slug)

    def title(self, letter: Letter) -> str:
        return gettext("New signatories: %(title)s") % {"title": letter.title}

    def subtitle(self, letter: Letter) -> str:
        return gettext("The latest %(count)s public signatures added to this letter's list.") % {
            "count": FEED_ITEMS
        }

    def link(self, letter: Letter) -> str:
        return letter.get_absolute_url()

    def items(self, letter: Letter) -> QuerySet[Signature]:
        return (
            Signature.objects.public()
            .filter(letter=letter)
            .select_related("letter", "organisation", "person")
            .order_by("-entered_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, signature: Signature) -> str:
        return signature.published_name

    def item_description(self, signature: Signature) -> str:
        parts = [signature.role, signature.get_country_display()]
        if signature.status == SignatureStatus.WITHDRAWN:
            withdrawn = gettext("Withdrawn")
            if signature.withdrawn_on:
                withdrawn = gettext("Withdrawn on %(date)s") % {
                    "date": signature.display_withdrawn_on
                }
            if signature.withdrawal_reason:
                withdrawn = gettext("%(withdrawn)s: %(reason)s") % {
                    "withdrawn": withdrawn,
                    "reason": signature.withdrawal_reason,
                }
            parts.append(withdrawn)
        elif not signature.is_listed:
            parts.append(signature.get_status_display())
        parts.append(signature.site_provenance)
        return " · ".join(part for part in parts if part) or gettext("Signed.")

    def item_link(self, signature: Signature) -> str:
        signer = signature.signer
        assert signer is not None  # a saved signature has one
        return signer.get_absolute_url()

    def item_guid(self, signature: Signature) -> str:
        # Entries link to the signer's page, shared by all their signatures, so each
        # entry needs an id of its own; Atom ids must be absolute URIs.
        return f"urn:open-letter-tracker:signature:{signature.pk}"

    def item_pubdate(self, signature: Signature) -> datetime.datetime:
        return signature.entered_at
