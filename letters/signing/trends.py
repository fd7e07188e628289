"""Where a letter's sign-ups come from lately: the email domains and network addresses
sending the most, for moderators watching a flood (the admin's "Trending" page)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db.models import Count, Q
from django.utils import timezone

from letters.models import PUBLIC_STATUSES, Letter, SignatureStatus, SignupRequest

# The windows a moderator can look back over, in hours, as the page offers them.
WINDOWS = {1: "the last hour", 24: "the last 24 hours", 168: "the last 7 days"}
DEFAULT_WINDOW = 24
TOP = 25

Origin = Literal["email_domain", "ip_address"]


@dataclass(frozen=True)
class Trend:
    """How many requests one email domain or address sent for a letter, and what became
    of them."""

    origin: str
    requests: int
    last_hour: int
    unconfirmed: int
    pending: int
    public: int
    rejected: int


@dataclass(frozen=True)
class LetterActivity:
    letter: Letter
    requests: int


def since(hours: int) -> datetime:
    return timezone.now() - timedelta(hours=hours)


def letters_with_requests(hours: int) -> list[LetterActivity]:
    """Letters that received sign-up or withdrawal requests in the window, busiest first."""
    counts = (
        SignupRequest.objects.filter(created_at__gte=since(hours))
        .values("letter")
        .annotate(requests=Count("pk"))
        .order_by("-requests")
    )
    letters = Letter.objects.in_bulk([row["letter"] for row in counts])
    return [LetterActivity(letters[row["letter"]], row["requests"]) for row in counts]


def trending(letter: Letter, hours: int, origin: Origin) -> list[Trend]:
    """The TOP email domains (or addresses) that sent `letter` the most requests in the
    window, with what became of their requests."""
    hour_ago = since(1)
    # Anonymised requests have neither (an address column cannot even hold "").
    unknown = Q(email_domain="") if origin == "email_domain" else Q(ip_address__isnull=True)
    rows = (
        SignupRequest.objects.filter(letter=letter, created_at__gte=since(hours))
        .exclude(unknown)
        .values(origin)
        .annotate(
            requests=Count("pk"),
            last_hour=Count("pk", filter=Q(created_at__gte=hour_ago)),
            unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
            pending=Count("pk", filter=Q(signature__status=SignatureStatus.PENDING)),
            public=Count("pk", filter=Q(signature__status__in=PUBLIC_STATUSES)),
            rejected=Count("pk", filter=Q(signature__status=SignatureStatus.REJECTED)),
        )
        .order_by("-requests", origin)[:TOP]
    )
    return [
        Trend(
            origin=str(row[origin]),
            requests=row["requests"],
            last_hour=row["last_hour"],
            unconfirmed=row["unconfirmed"],
            pending=row["pending"],
            public=row["public"],
            rejected=row["rejected"],
        )
        for row in rows
    ]
