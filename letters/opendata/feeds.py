"""Atom feeds: the letters we track, the newest public signatories of one letter, and
what changed about an organisation, a person or a letter (for people who follow them).

Every text in them is plain text: names, roles and summaries come from sign-ups and
curators, and a feed reader must show "<script>" as those characters, never run it.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from letters.lib.partial_dates import parse_partial_date
from letters.models import (
    Endorsement,
    Letter,
    Organisation,
    Person,
    Signature,
    SignatureStatus,
)
from letters.notifications.subscriptions import public_target

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Recorded(TypedDict):
        recorded_at: datetime.datetime | None

    # An endorsement with when it was first recorded (from its history).
    EndorsementWithDate = WithAnnotations[Endorsement, _Recorded]

FEED_ITEMS = 50

# When a feed that has never had an entry says it was updated (its subject has no history).
NOTHING_YET = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class PlainTextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries: Django's Atom feed marks them `type="html"`, which
    tells readers to render the text as markup."""

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})

    def latest_post_date(self) -> datetime.datetime:
        # Django dates a feed without dated entries "now", so an empty feed's <updated> and
        # Last-Modified would change on every request and no reader could get a 304 for it.
        # Nothing has changed since its subject was first recorded.
        if any(item.get("updateddate") or item.get("pubdate") for item in self.items):
            return super().latest_post_date()
        quiet_since = self.feed.get("quiet_since")
        return (quiet_since() if quiet_since else None) or NOTHING_YET


def _first_recorded(target: Organisation | Person | Letter) -> datetime.datetime | None:
    first = target.history.order_by("history_date").values_list("history_date", flat=True)
    return first.first()


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

    def feed_extra_kwargs(self, letter: Letter) -> dict[str, Any]:
        return {"quiet_since": lambda: _first_recorded(letter)}

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


# What changed about an organisation, a person or a letter: the feeds a follower reads
# (the same news as the email alerts of letters/notifications/).


@dataclass(frozen=True)
class FeedEntry:
    title: str
    summary: str
    link: str
    guid: str
    date: datetime.datetime | None


def _signature_entry(signature: Signature, about_letter: bool) -> FeedEntry:
    signer = signature.signer
    assert signer is not None  # a saved signature has one
    if about_letter:
        title = _("Signed by %(name)s") % {"name": signature.published_name}
        link = signer.get_absolute_url()
    else:
        title = _("Signed “%(title)s”") % {"title": signature.letter.title}
        link = signature.letter.get_absolute_url()
    parts = [signature.role, signature.get_status_display(), signature.site_provenance]
    return FeedEntry(
        title=title,
        summary=" · ".join(part for part in parts if part),
        link=link,
        guid=f"urn:open-letter-tracker:signature:{signature.pk}",
        date=signature.entered_at,
    )


def _endorsement_entry(endorsement: "EndorsementWithDate", about_letter: bool) -> FeedEntry:
    endorser = endorsement.endorser
    name = endorser.name if endorser is not None else ""
    if about_letter:
        title = _("Endorsed by %(name)s") % {"name": name}
    else:
        title = _("Endorsed “%(title)s”") % {"title": endorsement.letter.title}
    parts = [endorsement.office, endorsement.display_date, endorsement.quote]
    return FeedEntry(
        title=title,
        summary=" · ".join(part for part in parts if part),
        link=endorsement.letter.get_absolute_url(),
        guid=f"urn:open-letter-tracker:endorsement:{endorsement.pk}",
        date=endorsement.recorded_at or _start_of(endorsement.date),
    )


class ChangesFeed(Feed):
    """Public signatures and endorsements of a signer, or on a letter, newest first."""

    feed_type = PlainTextAtomFeed
    kind: str

    def get_object(self, request: HttpRequest, slug: str) -> Organisation | Person | Letter:
        return public_target(self.kind, slug)

    def title(self, target: Organisation | Person | Letter) -> str:
        return _("Open Letter Tracker: what changed about %(name)s") % {"name": target}

    def link(self, target: Organisation | Person | Letter) -> str:
        return target.get_absolute_url()

    def feed_extra_kwargs(self, target: Organisation | Person | Letter) -> dict[str, Any]:
        return {"quiet_since": lambda: _first_recorded(target)}

    def items(self, target: Organisation | Person | Letter) -> list[FeedEntry]:
        about_letter = self.kind == "letter"
        signatures = (
            Signature.objects.public()
            .filter(**{self.kind: target})
            .select_related("letter", "organisation", "person")
            .order_by("-entered_at", "-pk")[:FEED_ITEMS]
        )
        first_recorded = Endorsement.history.model.objects.filter(
            id=OuterRef("pk"), history_type="+"
        ).values("history_date")[:1]
        endorsements = (
            Endorsement.objects.public()
            .filter(**{self.kind: target})
            .annotate(recorded_at=Subquery(first_recorded))
            .select_related("letter", "organisation", "person")
            .order_by("-pk")[:FEED_ITEMS]
        )
        entries = [_signature_entry(s, about_letter) for s in signatures]
        entries += [_endorsement_entry(e, about_letter) for e in endorsements]
        oldest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        entries.sort(key=lambda entry: entry.date or oldest, reverse=True)
        return entries[:FEED_ITEMS]

    def item_title(self, entry: FeedEntry) -> str:
        return entry.title

    def item_description(self, entry: FeedEntry) -> str:
        return entry.summary

    def item_link(self, entry: FeedEntry) -> str:
        return entry.link

    def item_guid(self, entry: FeedEntry) -> str:
        return entry.guid

    def item_pubdate(self, entry: FeedEntry) -> datetime.datetime | None:
        return entry.date


class OrganisationChangesFeed(ChangesFeed):
    kind = "organisation"


class PersonChangesFeed(ChangesFeed):
    kind = "person"


class LetterChangesFeed(ChangesFeed):
    kind = "letter"
