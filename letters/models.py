"""Open letters, who signed them, who endorsed them, and the public sources for each fact."""

from collections.abc import Collection, Container, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, cast

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import page_scopes, signature_list
from .lib.countries import country_choices
from .lib.partial_dates import PartialDateField, format_partial_date
from .lib.slugs import unique_slug
from .lib.text import normalise
from .search_index import MIN_INDEXED_LENGTH, matching_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType
    from simple_history.manager import HistoryManager

# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    NEWS = "news", _("News report")
    LETTER = "letter", _("The letter itself")
    PRESS_RELEASE = "press_release", _("Press release")
    OFFICIAL = "official", _("Official statement")
    REPOSITORY = "repository", _("Repository")
    BLOG = "blog", _("Blog or organisation page")
    OTHER = "other", _("Other")


class SourceQuerySet(models.QuerySet["Source"]):
    def public(self) -> Self:
        """Sources cited by something public. A source cited only by a draft letter, or by
        a sign-up still in moderation, could reveal it, so it stays out."""
        published = Visibility.PUBLISHED
        source = OuterRef("pk")
        cited_by = [
            Letter.objects.filter(visibility=published, documents=source),
            Letter.objects.filter(visibility=published, coverage=source),
            Letter.objects.filter(visibility=published, asks_source=source),
            Signature.objects.public().filter(sources=source),
            Endorsement.objects.public().filter(source=source),
            Organiser.objects.public().filter(source=source),
            Letter.objects.filter(visibility=published, reported_counts__source=source),
            Letter.objects.filter(visibility=published, quotes__source=source),
            Letter.objects.filter(visibility=published, responses__source=source),
            LetterText.objects.public().filter(source=source),
        ]
        condition: Q | Combinable = Q()
        for rows in cited_by:
            condition |= Exists(rows)
        return self.filter(condition)


class SourceManager(models.Manager["Source"]):
    def get_by_natural_key(self, url: str) -> "Source":
        return self.get(url=url)


class Source(models.Model):
    """A public page that states a fact. Each URL is stored once and shared."""

    url = models.URLField(max_length=1000, unique=True, help_text="The public page, as linked.")
    outlet = models.CharField(
        max_length=200, blank=True, help_text="Who published it: 'ITV News', 'gov.uk'."
    )
    headline = models.CharField(max_length=500, blank=True)
    headline_is_rebuilt = models.BooleanField(
        default=False,
        help_text="Tick when the headline was rebuilt from the URL rather than read on the page.",
    )
    date = PartialDateField()
    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.NEWS)
    is_copy = models.BooleanField(
        default=False,
        help_text="A syndicated copy, a republication or a mirror of someone else's page.",
    )
    authors = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True, help_text="Public caveat about this source.")
    staff_notes = models.TextField(
        blank=True, help_text="Internal notes for curators; never shown publicly."
    )
    archived_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="A saved copy (web.archive.org, archive.today) for when the page goes away.",
    )
    # Written by `manage.py check_source_links`, never by hand.
    link_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    link_status = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="HTTP status of the last link check."
    )
    link_error = models.CharField(
        max_length=300, blank=True, editable=False, help_text="Why the last link check failed."
    )

    objects = SourceManager.from_queryset(SourceQuerySet)()
    history = HistoricalRecords(excluded_fields=["link_checked_at", "link_status", "link_error"])
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"
    # The signatures that cited it, noted before a delete or a clear (letters/signals.py).
    _cited_signature_ids: list[int]
    _cleared_signature_ids: list[int]

    class Meta:
        ordering = ["outlet", "url"]
        constraints = [
            models.CheckConstraint(condition=~Q(url=""), name="source_url_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.headline or self.outlet or self.url

    def natural_key(self) -> tuple[str]:
        return (self.url,)

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date)

    @property
    def label(self) -> str:
        """How a link to this source reads: the outlet, or the site's host name."""
        if self.outlet:
            return self.outlet
        return self.url.split("//", 1)[-1].split("/", 1)[0]


# ---------------------------------------------------------------------------
# Organisations and people
# ---------------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    CHARITY = "charity", _("Charity")
    NGO = "ngo", _("NGO / civil society")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government body")
    ACADEMIC = "academic", _("Academic")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    COALITION = "coalition", _("Coalition or network")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


_M = TypeVar("_M", bound=models.Model)


class SlugManager(models.Manager[_M]):
    def get_by_natural_key(self, slug: str) -> _M:
        return self.get(slug=slug)


class SignerQuerySet(models.QuerySet[_M]):
    """Selection shared by organisations and people."""

    def public(self) -> Self:
        """Those that appear on a published letter: signing publicly, endorsing, organising
        or being addressed. Someone known only from a pending sign-up stays private."""
        published = Q(letter__visibility=Visibility.PUBLISHED)
        signer = OuterRef("pk")
        field = self.model._meta.model_name  # "organisation" or "person"
        assert field  # optional only while a model class is being built
        return self.filter(
            Exists(Signature.objects.public().filter(**{field: signer}))
            | Exists(Endorsement.objects.filter(published, **{field: signer}))
            | Exists(Organiser.objects.filter(published, **{field: signer}))
            | Exists(Addressee.objects.filter(published, **{field: signer}))
        )

    def matching(self, query: str) -> Self:
        """Substring search over names and aliases, served by a trigram index on both
        databases (see letters/search_index.py), as `SignatureQuerySet.matching` is."""
        needle = normalise(query)
        if not needle:
            return self
        matches = self.filter(search_text__contains=needle)
        indexed = matching_ids(needle, self.db, self.model._meta.db_table)
        # The index narrows the rows; the LIKE keeps the exact substring rule.
        return matches if indexed is None else matches.filter(pk__in=indexed)


class SignerManager(SlugManager[_M]):
    def _redirects(self) -> "models.Manager[Redirect]":
        """The table of old slugs of records merged into one of these (301s)."""
        redirect = self.model._meta.get_field("redirects_from").related_model
        return cast("type[Redirect]", redirect)._default_manager

    def slug_is_taken(self, slug: str) -> bool:
        """A slug is taken by a record, or by a merged record's URL that must keep
        redirecting to where it went."""
        return self.filter(slug=slug).exists() or self._redirects().filter(old_slug=slug).exists()

    def taken_slugs(self) -> set[str]:
        """Every slug `slug_is_taken` refuses, loaded at once for a bulk creation."""
        taken = set(self.values_list("slug", flat=True))
        taken.update(self._redirects().values_list("old_slug", flat=True))
        return taken

    def unique_slug(self, name: str, taken: Container[str] | None = None) -> str:
        """A free slug for `name`; `taken` is what `taken_slugs` loaded, for a bulk creation
        that keeps it up to date (without it, the database is asked)."""
        is_taken = taken.__contains__ if taken is not None else self.slug_is_taken
        fallback = self.model._meta.model_name
        assert fallback  # optional only while a model class is being built
        return unique_slug(name, is_taken, fallback=fallback)


class Signer(models.Model):
    """What organisations and people have in common: a canonical record, whatever names it
    is published under, with a public page."""

    name = models.CharField(max_length=300, help_text="The usual name, as pages show it.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Part of its public URL.")
    country = models.CharField(max_length=2, blank=True, choices=country_choices)
    website = models.URLField(max_length=500, blank=True)
    search_text = models.TextField(
        blank=True, editable=False, help_text="Normalised name and aliases, kept by the app."
    )

    objects = SignerManager.from_queryset(SignerQuerySet)()
    # Each signer model keeps its own history (see Organisation and Person).
    history: ClassVar["HistoryManager"]
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="%(class)s_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(f"{self._meta.model_name}_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Organisation(Signer):
    """One canonical record per organisation."""

    kind = models.CharField(max_length=20, choices=OrganisationKind, default=OrganisationKind.OTHER)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta(Signer.Meta):
        constraints = [
            *Signer.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]


_A = TypeVar("_A", bound="Alias")


class AliasManager(models.Manager[_A]):
    def get_by_natural_key(self, owner_slug: str, name: str) -> _A:
        return self.get(**{f"{self.model.owner_field}__slug": owner_slug, "name": name})


class Alias(models.Model):
    """Another name a signer is published under."""

    name = models.CharField(max_length=300)
    normalised_name = models.CharField(max_length=300, editable=False)

    # The foreign key to the signer: "organisation" or "person".
    owner_field: ClassVar[str]

    objects = AliasManager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def owner(self) -> "Organisation | Person":
        return getattr(self, self.owner_field)

    def natural_key(self) -> tuple[str, str]:
        return (self.owner.slug, self.name)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.organisation", "letters.person"]  # type: ignore[attr-defined]


class OrganisationAlias(Alias):
    """Another name an organisation is published under ('5 Rights' for 5Rights Foundation)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")

    owner_field = "organisation"

    class Meta(Alias.Meta):
        verbose_name_plural = "organisation aliases"
        constraints = [
            # One alias names one organisation, so matching a name is never ambiguous.
            models.UniqueConstraint(
                fields=["normalised_name"], name="organisation_alias_unique_name"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_alias_not_empty"),
        ]


class Person(Signer):
    """An individual who signs (an academic, a campaigner) or an official who endorses."""

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta(Signer.Meta):
        verbose_name_plural = "people"


class PersonAlias(Alias):
    """Another spelling of a person's name ('William Barr' for William P. Barr)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")

    owner_field = "person"

    class Meta(Alias.Meta):
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="person_alias_not_empty"),
        ]


class Redirect(models.Model):
    """The public URL of a record merged into another, kept so old links still work."""

    old_slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The foreign key to the record kept: "organisation" or "person".
    owner_field: ClassVar[str]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.old_slug} → {getattr(self, self.owner_field)}"


class OrganisationRedirect(Redirect):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="redirects_from"
    )

    owner_field = "organisation"


class PersonRedirect(Redirect):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="redirects_from")

    owner_field = "person"


# ---------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------


class Visibility(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Side(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    MIXED = "mixed", _("Mixed or neutral")


class TopicQuerySet(models.QuerySet["Topic"]):
    def public(self) -> Self:
        """Topics with at least one published letter, with how many (`letter_count`)."""
        published = Q(letters__visibility=Visibility.PUBLISHED)
        return self.annotate(letter_count=Count("letters", filter=published)).filter(
            letter_count__gt=0
        )


class Topic(models.Model):
    """A public debate several letters belong to, such as the encryption debate."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="In our own words.")

    objects = SlugManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class LetterQuerySet(models.QuerySet["Letter"]):
    def published(self) -> Self:
        return self.filter(visibility=Visibility.PUBLISHED)

    def matching(self, query: str, signed: Collection[int] | None = None) -> Self:
        """Letters whose title, text, organisers or addressees (as named, or by any name
        of the linked record) contain the query, or with a public signatory who does.

        Signatories are searched as `SignatureQuerySet.found_by_letter_search` says.
        `signed` are the ids of the letters they found, when the caller has read them
        already: the home page counts them per letter, and that search is the costly part
        (thousands of signatures for a common word), which a page and its count would
        otherwise each run again as a subquery.
        """
        needle = normalise(query)
        if not needle:
            return self
        named = Q(organisation__search_text__contains=needle) | Q(
            person__search_text__contains=needle
        )
        found: Collection[int] | models.QuerySet[Signature, Any]
        if signed is None:
            found = Signature.objects.found_by_letter_search(query).values("letter_id")
        else:
            found = list(signed)
        return self.filter(
            Q(search_text__contains=needle)
            | Q(pk__in=Organiser.objects.filter(named).values("letter_id"))
            | Q(pk__in=Addressee.objects.filter(named).values("letter_id"))
            | Q(pk__in=found)
        )

    def hosted(self) -> Self:
        """Published letters open for sign-ups on this site; the others we only track."""
        return self.published().filter(accepts_signups=True)


class Letter(models.Model):
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Part of its public URL, kept when the title changes. Correcting it later "
        "keeps the old address working (it redirects here).",
    )
    title = models.CharField(max_length=500)
    title_is_descriptive = models.BooleanField(
        default=False,
        help_text="Tick when the title is ours, describing a letter that has no title of its own.",
    )
    date = PartialDateField()
    date_note = models.TextField(blank=True, help_text="Public note on how the date is known.")
    visibility = models.CharField(
        max_length=10, choices=Visibility, default=Visibility.DRAFT, db_index=True
    )
    accepts_signups = models.BooleanField(
        default=False,
        help_text="Hosted on this site and open for sign-ups. Off for letters we only track.",
    )
    summary = models.TextField(blank=True, help_text="In our own words.")
    asks = models.TextField(blank=True, help_text="What the letter asks for, one ask per line.")
    asks_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    platforms = models.TextField(blank=True, help_text="Products concerned, one per line.")
    side = models.CharField(
        max_length=10,
        choices=Side,
        default=Side.MIXED,
        help_text="Which side of the question at stake the letter takes (used for filtering).",
    )
    stance = models.CharField(
        max_length=200, blank=True, help_text="The stance in words: 'against E2EE rollout'."
    )
    documents = models.ManyToManyField(
        Source,
        blank=True,
        related_name="documented_letters",
        help_text="The letter's own published document(s), when known.",
    )
    in_response_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_by",
        help_text="The letter this one answers.",
    )
    coverage = models.ManyToManyField(Source, blank=True, related_name="covered_letters")
    signatories_note = models.TextField(
        blank=True, help_text="Public caveat about the signatory list (how complete it is)."
    )
    notes = models.TextField(blank=True, help_text="Other sourced facts, shown publicly.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="letters")
    staff_notes = models.TextField(
        blank=True, help_text="Internal notes for curators; never shown publicly."
    )
    last_reviewed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When a curator last checked the whole page against its sources (shown "
        "publicly).",
    )
    listed_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Signatures that count as listed; kept up to date by the app.",
    )
    public_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Signatures shown publicly (listed, disputed, withdrawn); kept by the app.",
    )
    signatory_countries = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Countries of the public signatures, sorted; kept by the app.",
    )
    listing_timeline = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Listed signatures per first-listed date; kept by the app.",
    )
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Normalised title, organisers, addressees and texts, kept by the app.",
    )

    objects = SlugManager.from_queryset(LetterQuerySet)()
    # The counts, countries and timeline are derived from the signatures, whose own history
    # records every change; recording them here too would only add noise.
    history = HistoricalRecords(
        excluded_fields=[
            "listed_count",
            "public_count",
            "signatory_countries",
            "listing_timeline",
            "search_text",
        ]
    )
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"

    class Meta:
        ordering = [F("date").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="letter_title_not_empty"),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="letter_visibility_valid"
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="letter_side_valid"),
            models.CheckConstraint(
                condition=~Q(in_response_to=F("pk")), name="letter_does_not_answer_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("letter_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date)

    @property
    def ask_list(self) -> list[str]:
        return [line.strip() for line in self.asks.splitlines() if line.strip()]

    @property
    def platform_list(self) -> list[str]:
        return [line.strip() for line in self.platforms.splitlines() if line.strip()]

    def reported_summary(self) -> str:
        """The reported signatory counts, honestly: '128–129 reported (sources differ)'.

        Reads `reported_counts.all()`, so prefetch it on list pages.
        """
        counts = [c for c in self.reported_counts.all() if c.signatories_value is not None]
        if not counts:
            return ""
        lowest = min(counts, key=lambda c: c.signatories_value or 0)
        highest = max(counts, key=lambda c: c.signatories_value or 0)
        if lowest.signatories_value == highest.signatories_value:
            return gettext("%(count)s reported") % {"count": highest.signatories_text}
        plus = "+" if highest.signatories_text.rstrip().endswith("+") else ""
        return gettext("%(lowest)s–%(highest)s reported (sources differ)") % {
            "lowest": number_format(lowest.signatories_value or 0, force_grouping=True),
            "highest": number_format(highest.signatories_value or 0, force_grouping=True) + plus,
        }

    def refresh_counts(self) -> None:
        signature_list.recount(Letter.objects.filter(pk=self.pk))
        self.refresh_from_db(
            fields=["listed_count", "public_count", "signatory_countries", "listing_timeline"]
        )


class LetterRedirect(Redirect):
    """A letter's earlier slug, corrected since: its old addresses answer 301 to the new one."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="redirects_from")

    owner_field = "letter"


class OnLetterQuerySet(models.QuerySet[_M]):
    """For rows that belong to a letter: public exactly when the letter is published."""

    def public(self) -> Self:
        return self.filter(letter__visibility=Visibility.PUBLISHED)


class ReportedCountManager(models.Manager["ReportedCount"]):
    def get_by_natural_key(
        self, letter_slug: str, source_url: str, signatories_text: str
    ) -> "ReportedCount":
        return self.get(
            letter__slug=letter_slug, source__url=source_url, signatories_text=signatories_text
        )


class ReportedCount(models.Model):
    """A number of signatories (and countries) that a source reported, as published."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="reported_counts")
    signatories_text = models.CharField(
        max_length=50, help_text="As published: '50+', 'about 5,000', '129'."
    )
    signatories_value = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number for sorting: 50 for '50+'."
    )
    countries = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reported_counts")

    objects = ReportedCountManager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["signatories_value", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "source", "signatories_text"],
                name="reported_count_unique_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signatories_text} signatories ({self.source.label})"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.letter.slug, self.source.url, self.signatories_text)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter", "letters.source"]  # type: ignore[attr-defined]


class LetterPartyManager(models.Manager[_M]):
    def get_by_natural_key(self, letter_slug: str, name: str) -> _M:
        return self.get(letter__slug=letter_slug, name=name)


class Addressee(models.Model):
    """Who a letter is addressed to: a person, an organisation, both, or a group by name."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="addressees")
    name = models.CharField(max_length=300, help_text="As addressed: 'Mark Zuckerberg'.")
    role = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="addressed_by"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="addressed_by"
    )
    position = models.PositiveIntegerField(default=0)

    objects = LetterPartyManager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["letter", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "name"], name="addressee_unique_per_letter"),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role) if part)

    def natural_key(self) -> tuple[str, str]:
        return (self.letter.slug, self.name)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter"]  # type: ignore[attr-defined]


class Organiser(models.Model):
    """Who led, coordinated or published a letter."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="organisers")
    name = models.CharField(max_length=300, help_text="As the source names them.")
    role = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="organised"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="organised"
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)

    objects = LetterPartyManager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["letter", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "name"], name="organiser_unique_per_letter"),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(organisation__isnull=True),
                name="organiser_is_not_both_person_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.letter.slug, self.name)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter"]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------


class SignatureStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PENDING = "pending", _("Pending moderation")
    REJECTED = "rejected", _("Rejected")


# One meaning everywhere: which statuses the public sees, and which count as listed.
PUBLIC_STATUSES = (
    SignatureStatus.REPORTED,
    SignatureStatus.CONFIRMED,
    SignatureStatus.DISPUTED,
    SignatureStatus.WITHDRAWN,
)
LISTED_STATUSES = (SignatureStatus.REPORTED, SignatureStatus.CONFIRMED)
# What counts as having signed when letters are set side by side (comparisons, topics):
# the listed statuses, and disputed signatures, shown with their status so that a reader
# can weigh them. Withdrawn signatures do not count: the signatory took their name off.
SIGNED_STATUSES = (*LISTED_STATUSES, SignatureStatus.DISPUTED)


class SignerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


class IdentityBasis(models.TextChoices):
    """Why a signature's organisation or person is this signer: a name alone is not
    enough to say that the "Alex" of one letter is the "Alex" of another."""

    NEW = "new", "New record made for this signature"
    PROFILE_URL = "url", "Same profile or website address"
    EMAIL_DOMAIN = "email_domain", "Same email domain as the record's website"
    AFFILIATION = "affiliation", "Same name and affiliation"
    ALIAS = "alias", "A name a curator recorded as the record's alias"
    RECORD_URL = "record_url", "The record's own address on this site"
    CURATOR = "curator", "Chosen by a curator"
    NAME_ONLY = "name", "Same name only (not established)"


# The bases on which a signature's record is taken to be its signer when letters are set
# side by side (comparisons, co-signers): all but a bare name.
ESTABLISHED_IDENTITY = tuple(basis for basis in IdentityBasis if basis != IdentityBasis.NAME_ONLY)


class Unindexed(Func):
    """A column compared as `+column` on SQLite: the same value, but the query planner may
    not reach it through an index (SQLite's documented way to steer a plan)."""

    template = "%(expressions)s"

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> "_AsSqlType":
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def on_public_list(through: str = "", statuses: Collection[str] = PUBLIC_STATUSES) -> Q:
    """Signatures a letter's public list shows: a public status (or one of `statuses`) and
    a source. The one rule for "nothing public without a source": whatever way a
    signature came in (admin, import, sign-up, shell), it is left out of the list, the
    counts, the list places, the downloads and the API until it is `sourced`."""
    return Q(**{f"{through}status__in": statuses, f"{through}sourced": True})


def public_signature(through: str = "") -> Q:
    """Signatures anyone may see: on a public list (`on_public_list`) of a published
    letter. `through` is the path from the model queried ("signatures__" from a signer's
    annotation)."""
    return on_public_list(through) & Q(**{f"{through}letter__visibility": Visibility.PUBLISHED})


class SignatureQuerySet(models.QuerySet["Signature"]):
    def public(self) -> Self:
        """Signatures anyone may see: a public status and a source, on a published letter."""
        return self.filter(public_signature())

    def public_on(self, letter: "Letter") -> Self:
        """The signatures `letter`'s public list shows. The letter is the caller's to
        check: published, or a draft a curator previews."""
        return self.filter(on_public_list(), letter=letter)

    def listed(self) -> Self:
        return self.filter(on_public_list(statuses=LISTED_STATUSES))

    def unsourced(self) -> Self:
        """Signatures with no source (and not signed on this site): never public."""
        return self.filter(sourced=False)

    def identified(self) -> Self:
        """Signatures whose record is established as their signer (not by name alone)."""
        return self.filter(identity_basis__in=ESTABLISHED_IDENTITY)

    def listed_as_of(self, day: str) -> Self:
        """The signatures a letter listed on `day` (an ISO date), from first-listed and
        withdrawal dates, never from when we entered them.

        A signature counts once its first-listed date is on or before `day` (a partial date
        such as '2020-02' counts from the start of its month), until it withdrew: withdrawn
        signatures count while `day` is before their withdrawal date (a partial withdrawal
        date counts from its start, so a withdrawal 'in February 2020' is treated as done by
        any day of that month). Undated signatures cannot be placed and never count.
        Disputed, pending and rejected ones are not listed.
        """
        listed_then = Q(status__in=LISTED_STATUSES) | Q(
            status=SignatureStatus.WITHDRAWN, withdrawn_on__gt=day
        )
        return self.filter(listed_then, sourced=True, first_listed__lte=day).exclude(
            first_listed=""
        )

    def of_kind(self, kind: str) -> Self:
        if kind == SignerKind.ORGANISATION:
            return self.filter(organisation__isnull=False)
        if kind == SignerKind.INDIVIDUAL:
            return self.filter(person__isnull=False)
        return self

    def matching(self, query: str) -> Self:
        """Substring search over published, canonical and alias names, case- and accent-blind.

        Served by a trigram index on both databases (see letters/search_index.py).
        """
        needle = normalise(query)
        if not needle:
            return self
        matches = self.filter(search_text__contains=needle)
        indexed = matching_ids(needle, self.db)
        # The index narrows the rows; the LIKE keeps the exact substring rule.
        return matches if indexed is None else matches.filter(pk__in=indexed)

    def found_by_letter_search(self, query: str) -> Self:
        """The public signatures by which a search finds letters (the home page): from
        three characters on, which the trigram index serves; a shorter query would scan
        every signature, and finds letters by their other names only."""
        if len(normalise(query)) < MIN_INDEXED_LENGTH:
            return self.none()
        return self.public().matching(query)

    def count_per_letter(self) -> dict[int, int]:
        """How many of these signatures each letter has, by letter id, in one query."""
        return dict(self.order_by().values_list("letter").annotate(total=Count("pk")))

    def on_letter_matching(self, letter: "Letter", query: str) -> Self:
        """`letter`'s signatures matching `query`.

        With SQLite's search index, each indexed match is checked for the letter instead
        of the letter's index being walked: without statistics (a fresh database, or one
        analysed while the letter was small) the planner takes a letter to be small and
        walks all of a 100,000-signature letter, 20 ms, rather than its few matches.
        """
        if matching_ids(normalise(query), self.db) is None:
            return self.filter(letter=letter).matching(query)
        on_letter = self.alias(letter_unindexed=Unindexed("letter_id"))
        return on_letter.filter(letter_unindexed=letter.pk).matching(query)

    # Bulk paths bypass save() and signals, so they keep the letter's counts and list
    # places here, in the same transaction as the change, and say which public pages
    # the change touches.
    def update(self, **kwargs: Any) -> int:
        if kwargs.keys() <= signature_list.KEPT_FIELDS:
            # Kept from other columns: whatever changed those said what it touched.
            return super().update(**kwargs)
        derived = signature_list.LIST_FIELDS | signature_list.SEARCHED_FIELDS
        with transaction.atomic(using=self.db):
            affected = list(
                self.values_list("pk", "letter_id", "organisation_id", "person_id", "status")
            )
            rows = super().update(**kwargs)
            if (derived | signature_list.SUMMARY_FIELDS) & kwargs.keys():
                if signature_list.SEARCHED_FIELDS & kwargs.keys():
                    signature_list.refresh_signature_search_text(row[0] for row in affected)
                new_letter = kwargs.get("letter", kwargs.get("letter_id"))
                letter_ids: list[int | None] = [row[1] for row in affected]
                letter_ids.append(getattr(new_letter, "pk", new_letter))
                signature_list.refresh(signature_list.letters_with_ids(letter_ids))
            moved = bool(kwargs.keys() & signature_list.SIGNER_FIELDS)
            rows_changed = _public_rows(affected, kwargs)
            page_scopes.signatures_changed(rows_changed, self.db, signers_moved=moved)
        return rows

    def bulk_create(
        self, objs: Iterable["Signature"], *args: Any, **kwargs: Any
    ) -> list["Signature"]:
        objs = list(objs)
        for signature in objs:
            if not signature.search_text:
                signature.search_text = signature_list.signature_search_text(signature)
        with transaction.atomic(using=self.db):
            signature_list.fill_positions(objs)
            created = super().bulk_create(objs, *args, **kwargs)
            signature_list.refresh(signature_list.letters_with_ids(s.letter_id for s in objs))
            public = [s for s in objs if s.status in PUBLIC_STATUSES]
            rows = [(s.letter_id, s.organisation_id, s.person_id) for s in public]
            page_scopes.signatures_changed(rows, self.db)
        return created


def _public_rows(
    affected: Iterable[tuple[int, int, int | None, int | None, str]], changes: dict[str, Any]
) -> list["page_scopes.SignatureRow"]:
    """The (letter, organisation, person) of each updated signature that was or becomes
    public, before and after the update: the public pages it was and is on."""
    new: dict[str, int | None] = {}
    for field in ("letter", "organisation", "person"):
        for key in (field, f"{field}_id"):
            if key in changes:
                new[field] = getattr(changes[key], "pk", changes[key])
    rows: list[page_scopes.SignatureRow] = []
    for _pk, letter_id, organisation_id, person_id, status in affected:
        if status in PUBLIC_STATUSES or changes.get("status", status) in PUBLIC_STATUSES:
            rows.append((letter_id, organisation_id, person_id))
            rows.append(
                (
                    new.get("letter", letter_id),
                    new.get("organisation", organisation_id),
                    new.get("person", person_id),
                )
            )
    return rows


class SignatureManager(models.Manager["Signature"]):
    def get_by_natural_key(
        self, letter_slug: str, organisation_slug: str, person_slug: str
    ) -> "Signature":
        return self.get(
            letter__slug=letter_slug,
            organisation__slug=organisation_slug or None,
            person__slug=person_slug or None,
        )


class Signature(models.Model):
    """A letter signed by exactly one organisation or one person."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    published_name = models.CharField(
        max_length=300, help_text="The name exactly as this letter's list prints it."
    )
    other_published_names = models.TextField(
        blank=True,
        help_text="Other names the same signatory is printed under in this letter's sources, "
        "one per line (kept when duplicate records are merged).",
    )
    role = models.CharField(
        max_length=300,
        blank=True,
        help_text="Capacity, affiliation or office held when signing ('Home Secretary').",
    )
    position = models.PositiveIntegerField(
        blank=True,
        help_text="Place in the published list (1, 2, …). Left empty, the signatory is added "
        "at the end.",
    )
    status = models.CharField(
        max_length=10, choices=SignatureStatus, default=SignatureStatus.REPORTED
    )
    first_listed = PartialDateField(
        help_text="Date of the earliest source that lists this signatory (not when we entered "
        "it). Empty when unknown."
    )
    entered_at = models.DateTimeField(default=timezone.now, help_text="When we recorded it.")
    country = models.CharField(
        max_length=2, blank=True, choices=country_choices, help_text="As stated or inferred."
    )
    country_is_inferred = models.BooleanField(
        default=False, help_text="Tick when no source states the country and we inferred it."
    )
    withdrawn_on = PartialDateField(help_text="When the signatory withdrew (withdrawn only).")
    withdrawal_reason = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="Public caveat about this listing.")
    sources = models.ManyToManyField(Source, blank=True, related_name="signatures")
    sourced = models.BooleanField(
        default=False,
        editable=False,
        help_text="Cited by a source, or signed on this site; kept by the app. A signature "
        "without either is never public, whatever its status.",
    )
    identity_basis = models.CharField(
        max_length=12,
        choices=IdentityBasis,
        default=IdentityBasis.NAME_ONLY,
        help_text="Why its organisation or person is this signer. Only established bases "
        "(anything but a bare name) count when letters are compared.",
    )
    identity_evidence = models.CharField(
        max_length=300,
        blank=True,
        help_text="Staff only: the evidence behind the identity ('same website: "
        "https://…', 'chosen by alice in import #12').",
    )
    search_text = models.TextField(blank=True, editable=False)
    list_rank = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Place among the letter's public signatures, kept by the app; empty when "
        "not public.",
    )
    # Signed through this site's form (letters/signing/): where the signature came from and
    # how the signer was verified, shown beside it publicly (`site_provenance`).
    signed_on_site_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the signer confirmed their email address on this site; empty for "
        "signatures taken from a published source.",
    )
    verified_domain = models.CharField(
        max_length=253,
        blank=True,
        editable=False,
        help_text="The organisation's website domain, at which the signer confirmed their "
        "email address.",
    )
    verification_method = models.TextField(
        blank=True,
        editable=False,
        help_text="How a curator verified that the signer speaks for this name (shown "
        'publicly: say how, name no private person). Recorded with the action "Record how '
        'the selected sign-ups were verified".',
    )
    claimed_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="unverified_claims",
        help_text="The organisation the signer said they sign for, not verified: listed as "
        "an individual with it as affiliation until a curator records how it was verified.",
    )

    objects = SignatureManager.from_queryset(SignatureQuerySet)()
    history = HistoricalRecords(excluded_fields=["search_text", "list_rank", "sourced"])
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"

    class Meta:
        ordering = ["letter", "position", "published_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="signature_has_exactly_one_signer",
                violation_error_message=(
                    "Choose the organisation or the person who signed (one, not both): a "
                    "name alone is not a signatory (add a new one with the + next to the "
                    "field)."
                ),
            ),
            models.UniqueConstraint(
                fields=["letter", "organisation"],
                condition=Q(organisation__isnull=False),
                name="signature_organisation_signs_once",
            ),
            models.UniqueConstraint(
                fields=["letter", "person"],
                condition=Q(person__isnull=False),
                name="signature_person_signs_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SignatureStatus.values), name="signature_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(identity_basis__in=IdentityBasis.values),
                name="signature_identity_basis_valid",
            ),
            models.CheckConstraint(
                condition=~Q(published_name=""), name="signature_published_name_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status=SignatureStatus.WITHDRAWN)
                | Q(withdrawn_on__isnull=True, withdrawal_reason=""),
                name="signature_withdrawal_only_when_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(signed_on_site_at__isnull=False)
                | Q(verified_domain="", verification_method="", claimed_organisation__isnull=True),
                name="signature_verification_only_for_site_signups",
            ),
            models.CheckConstraint(
                condition=Q(claimed_organisation__isnull=True) | Q(person__isnull=False),
                name="signature_claim_only_by_a_person",
            ),
        ]
        indexes = [
            # The public list of a letter: WHERE letter_id = ? AND status IN (...)
            # ORDER BY position, published_name.
            # A page of a letter's public list: WHERE letter_id = ? AND list_rank
            # BETWEEN ? AND ? ORDER BY list_rank (no OFFSET, whatever the page).
            models.Index(fields=["letter", "list_rank"], name="signature_letter_rank_idx"),
            # Counting a letter's listed and public signatures, and its countries:
            # SELECT COUNT(*) / DISTINCT country WHERE letter_id = ? AND status IN (...)
            # AND sourced. With `sourced` in the index the count reads the index alone:
            # without it, every save on a letter of 100,000 signatures read all of their
            # rows (0.9 s of write lock on SQLite, against 0.12 s with it).
            models.Index(
                fields=["letter", "status", "sourced", "country"],
                name="signature_letter_status_idx",
            ),
            # The chart's counts: SELECT first_listed, COUNT(*) WHERE letter_id = ?
            # AND status IN (...) AND sourced GROUP BY first_listed.
            models.Index(
                fields=["letter", "status", "sourced", "first_listed"],
                name="signature_letter_dates_idx",
            ),
            # The country filter's options and results: WHERE letter_id = ? AND country = ?.
            models.Index(fields=["letter", "country"], name="signature_letter_country_idx"),
            # A letter's feed of new signatories: WHERE letter_id = ? AND status IN (...)
            # ORDER BY entered_at DESC, id DESC LIMIT 50.
            models.Index(
                fields=["letter", "-entered_at", "-id"], name="signature_letter_entered_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.published_name} on {self.letter}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # `list_rank` and `sourced` are kept in SQL by the letter's list
        # (letters/signature_list.py); an object held in memory would write back a stale
        # value, so they are read, never written, by an update.
        updating = not self._state.adding and not kwargs.get("force_insert")
        if updating:
            kept_in_sql = {"list_rank", "sourced"}
            saved = type(self)._default_manager.filter(pk=self.pk).values_list("sourced")
            row = saved.first()
            self.sourced = bool(row and row[0])
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name not in kept_in_sql]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.letter.get_absolute_url()}#signature-{self.pk}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        signature = super().from_db(db, field_names, values)
        signature.remember_list_place()
        return signature

    def remember_list_place(self) -> None:
        """Note where this signature stands, so that a save can tell what it moved."""
        fields = signature_list.LIST_PLACE_FIELDS
        self._saved_place = tuple(self.__dict__.get(field) for field in fields)
        # Who signed: a signature moved to another signer changes the signer indexes.
        self._saved_signer = (self.__dict__.get("organisation_id"), self.__dict__.get("person_id"))

    def natural_key(self) -> tuple[str, str, str]:
        return (
            self.letter.slug,
            self.organisation.slug if self.organisation else "",
            self.person.slug if self.person else "",
        )

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter", "letters.organisation", "letters.person"]  # type: ignore[attr-defined]

    @property
    def signer(self) -> Organisation | Person | None:
        """Who signed; None only on a signature not yet valid (saved ones have one)."""
        return self.organisation or self.person

    @property
    def kind(self) -> str:
        return SignerKind.ORGANISATION if self.organisation_id else SignerKind.INDIVIDUAL

    @property
    def is_listed(self) -> bool:
        return self.sourced and self.status in LISTED_STATUSES

    @property
    def is_on_public_list(self) -> bool:
        """`on_public_list`, for a signature in memory."""
        return self.sourced and self.status in PUBLIC_STATUSES

    @property
    def display_first_listed(self) -> str:
        return format_partial_date(self.first_listed)

    @property
    def display_withdrawn_on(self) -> str:
        return format_partial_date(self.withdrawn_on)

    @property
    def verification(self) -> str | None:
        return self.verification_of(
            self.signed_on_site_at, self.verified_domain, self.verification_method
        )

    @staticmethod
    def verification_of(
        signed_on_site_at: datetime | None, verified_domain: str, verification_method: str
    ) -> str | None:
        """How a signature made on this site was verified: "domain", "curator" or "none";
        None for a signature from a published source. Static, for the downloads, which
        read plain values."""
        if signed_on_site_at is None:
            return None
        if verified_domain:
            return "domain"
        return "curator" if verification_method else "none"

    @staticmethod
    def day_signed_on_site(signed_on_site_at: datetime | None) -> str | None:
        """The day the signer confirmed on this site, as the site's time zone has it."""
        if signed_on_site_at is None:
            return None
        return timezone.localtime(signed_on_site_at).date().isoformat()

    @property
    def verification_summary(self) -> str:
        """How the signer of a signature made on this site was verified, in words:
        "verified from barnardos.org.uk", "verified by our curators: …", "not verified",
        or "affiliation not verified" for the individual an unverified claim to sign for
        an organisation is listed as. Empty for a signature from a published source."""
        if self.signed_on_site_at is None:
            return ""
        parts = []
        if self.verified_domain:
            parts.append(gettext("verified from %(domain)s") % {"domain": self.verified_domain})
        if self.verification_method:
            parts.append(
                gettext("verified by our curators: %(method)s")
                % {"method": self.verification_method}
            )
        if not parts:
            parts.append(
                gettext("affiliation not verified")
                if self.claimed_organisation_id
                else gettext("not verified")
            )
        return "; ".join(parts)

    @property
    def site_provenance(self) -> str:
        """Where a signature made on this site comes from, in words for readers: "Signed
        on this site on 3 March 2026; email confirmed; verified from barnardos.org.uk".
        Empty for a signature from a published source (its sources say where it is from)."""
        if self.signed_on_site_at is None:
            return ""
        signed_on = date_format(timezone.localtime(self.signed_on_site_at), "j F Y")
        return gettext("Signed on this site on %(date)s; email confirmed; %(verification)s") % {
            "date": signed_on,
            "verification": self.verification_summary,
        }


# ---------------------------------------------------------------------------
# Endorsements, quotes and responses
# ---------------------------------------------------------------------------


class EndorsementStance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    OPPOSES = "opposes", _("Opposes")


class EndorsementManager(models.Manager["Endorsement"]):
    def get_by_natural_key(
        self, letter_slug: str, source_url: str, organisation_slug: str, person_slug: str
    ) -> "Endorsement":
        return self.get(
            letter__slug=letter_slug,
            source__url=source_url,
            organisation__slug=organisation_slug or None,
            person__slug=person_slug or None,
        )


class Endorsement(models.Model):
    """Public support for (or opposition to) a letter by an official or an organisation."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="endorsements")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    office = models.CharField(
        max_length=200, blank=True, help_text="Office held at the date: 'Home Secretary'."
    )
    jurisdiction = models.CharField(max_length=100, blank=True, help_text="'United Kingdom'.")
    date = PartialDateField()
    date_note = models.TextField(blank=True)
    quote = models.TextField(blank=True, help_text="Short, exact and attributed.")
    stance = models.CharField(
        max_length=10, choices=EndorsementStance, default=EndorsementStance.SUPPORTS
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="endorsements")
    note = models.TextField(blank=True, help_text="Public context for this endorsement.")

    objects = EndorsementManager.from_queryset(OnLetterQuerySet)()
    history = HistoricalRecords()
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"

    class Meta:
        ordering = ["letter", F("date").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="endorsement_has_exactly_one_endorser",
            ),
            # An official may endorse a letter several times, once per source.
            models.UniqueConstraint(
                fields=["letter", "person", "source"],
                condition=Q(person__isnull=False),
                name="endorsement_person_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["letter", "organisation", "source"],
                condition=Q(organisation__isnull=False),
                name="endorsement_organisation_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=EndorsementStance.values), name="endorsement_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser} {self.get_stance_display().lower()} {self.letter}"

    def natural_key(self) -> tuple[str, str, str, str]:
        return (
            self.letter.slug,
            self.source.url,
            self.organisation.slug if self.organisation else "",
            self.person.slug if self.person else "",
        )

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = [  # type: ignore[attr-defined]
        "letters.letter",
        "letters.source",
        "letters.organisation",
        "letters.person",
    ]

    @property
    def endorser(self) -> Person | Organisation | None:
        """Who endorsed; None only on an endorsement not yet valid (saved ones have one)."""
        return self.person or self.organisation

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date)


class QuoteManager(models.Manager["Quote"]):
    def get_by_natural_key(self, letter_slug: str, text: str) -> "Quote":
        return self.get(letter__slug=letter_slug, text=text)


class Quote(models.Model):
    """A short passage from the letter, or said about it, with its source."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField()
    speaker = models.CharField(
        max_length=300, help_text="'the letter', or who said it and in what capacity."
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="quotes")
    position = models.PositiveIntegerField(default=0)

    objects = QuoteManager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["letter", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "text"], name="quote_unique_per_letter"),
            models.CheckConstraint(condition=~Q(text=""), name="quote_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"“{self.text[:60]}” ({self.speaker})"

    def natural_key(self) -> tuple[str, str]:
        return (self.letter.slug, self.text)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter"]  # type: ignore[attr-defined]


class OutcomeKind(models.TextChoices):
    RESPONSE = "response", _("Response")
    POLICY_CHANGE = "policy", _("Policy change")
    PRODUCT_DECISION = "product", _("Product decision")
    LEGISLATION = "legislation", _("Legislation")
    OTHER = "other", _("Other event")


class ResponseManager(models.Manager["Response"]):
    def get_by_natural_key(self, letter_slug: str, source_url: str, responder: str) -> "Response":
        return self.get(letter__slug=letter_slug, source__url=source_url, responder=responder)


class Response(models.Model):
    """What happened after a letter: an answer (quoted or summarised), a policy change, a
    product decision. Each one dated and sourced; shown as the letter's outcomes."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(max_length=12, choices=OutcomeKind, default=OutcomeKind.RESPONSE)
    responder = models.CharField(
        max_length=300, help_text="Who answered: 'Facebook (spokesperson)'."
    )
    date = PartialDateField()
    quote = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="In our own words, when not quoted.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="responses")

    objects = ResponseManager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["letter", F("date").asc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "source", "responder"], name="response_unique_per_source"
            ),
            models.CheckConstraint(
                condition=~Q(quote="") | ~Q(summary=""), name="response_has_quote_or_summary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.responder} on {self.letter}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.letter.slug, self.source.url, self.responder)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter", "letters.source"]  # type: ignore[attr-defined]

    @property
    def display_date(self) -> str:
        return format_partial_date(self.date)


# ---------------------------------------------------------------------------
# The letter's own text, in its languages
# ---------------------------------------------------------------------------

# Any language a letter may be written or translated in: Django's list of languages, not
# the (shorter) list the site's interface is offered in.
TEXT_LANGUAGES = global_settings.LANGUAGES
ONE_ORIGINAL = "A letter has one original text; the others are translations."


class LetterTextQuerySet(OnLetterQuerySet["LetterText"]):
    def sourced(self) -> Self:
        """Texts that may be shown: each cites where it is published, unless the letter is
        hosted here, where this site is where it is published."""
        return self.filter(Q(source__isnull=False) | Q(letter__accepts_signups=True))

    def public(self) -> Self:
        return super().public().sourced()


class LetterTextManager(models.Manager["LetterText"]):
    def get_by_natural_key(self, letter_slug: str, language: str) -> "LetterText":
        return self.get(letter__slug=letter_slug, language=language)


class LetterText(models.Model):
    """The letter in its own words, as published: its original language or a translation.

    Sourced content, like a quote: curators copy it from where it is published and cite
    that page. It is not an interface translation, and our summary stays our own words.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=15, choices=TEXT_LANGUAGES)
    is_original = models.BooleanField(
        default=False,
        help_text="Tick for the language the letter was written in; leave unticked for a "
        "translation.",
    )
    translated_by = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a translation: who made it, as the source says ('the organisers'). "
        "Leave empty when the source does not say.",
    )
    title = models.CharField(
        max_length=500, blank=True, help_text="The letter's own heading in this language, if any."
    )
    body = models.TextField(
        help_text="The text exactly as published; a blank line between paragraphs."
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letter_texts",
        help_text="Where this text is published. Required unless the letter is hosted on "
        "this site.",
    )

    objects = LetterTextManager.from_queryset(LetterTextQuerySet)()
    history = HistoricalRecords()
    # Set before a save or a delete to say, on the history row it writes, why and who.
    _change_reason: str
    _history_user: "User | None"

    class Meta:
        # The original first, then the translations by language.
        ordering = ["letter", "-is_original", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="letter_text_one_per_language"
            ),
            models.UniqueConstraint(
                fields=["letter"],
                condition=Q(is_original=True),
                name="letter_text_one_original",
                violation_error_message=ONE_ORIGINAL,
            ),
            models.CheckConstraint(condition=~Q(body=""), name="letter_text_body_not_empty"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in TEXT_LANGUAGES]),
                name="letter_text_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_original=False) | Q(translated_by=""),
                name="letter_text_original_is_not_translated",
            ),
        ]

    def __str__(self) -> str:
        kind = "original" if self.is_original else "translation"
        return f"{self.letter} ({self.language_name}, {kind})"

    def natural_key(self) -> tuple[str, str]:
        return (self.letter.slug, self.language)

    # Django reads this attribute of the function; mypy cannot type attributes of functions.
    natural_key.dependencies = ["letters.letter", "letters.source"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.is_original and self.translated_by:
            raise ValidationError({"translated_by": "The original is not a translation."})
        try:
            hosted = self.letter.accepts_signups
        except Letter.DoesNotExist:  # no letter yet: the form says the field is required
            hosted = False
        if self.source_id is None and not hosted:
            raise ValidationError(
                {
                    "source": "Cite where this text is published (only a letter hosted on this "
                    "site may go without)."
                }
            )

    @property
    def language_info(self) -> dict[str, Any]:
        """Django's facts about the language: its English and own names, its direction."""
        return get_language_info(self.language)

    @property
    def language_name(self) -> str:
        return str(self.language_info["name_translated"])

    @property
    def language_name_local(self) -> str:
        return str(self.language_info["name_local"])

    @property
    def direction(self) -> str:
        return "rtl" if self.language_info["bidi"] else "ltr"


# ---------------------------------------------------------------------------
# Sign-ups, withdrawals and corrections from the public
# ---------------------------------------------------------------------------


class SignupAction(models.TextChoices):
    SIGN = "sign", "Sign"
    WITHDRAW = "withdraw", "Withdraw"


class SignupRequest(models.Model):
    """A request to sign (or withdraw from) a hosted letter, confirmed by email.

    Confirming a sign request makes a `pending` signature for the moderation queue;
    confirming a withdrawal withdraws the signature the same email address made. The
    contact email and the IP address are never shown publicly and are anonymised
    after SIGNUP_RETENTION_DAYS (`manage.py anonymise_signups`).
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signup_requests")
    action = models.CharField(max_length=10, choices=SignupAction, default=SignupAction.SIGN)
    signer_kind = models.CharField(max_length=12, choices=SignerKind)
    name = models.CharField(max_length=200, help_text="Organisation or person, as submitted.")
    name_key = models.CharField(max_length=200, editable=False, help_text="Normalised name.")
    affiliation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="Role of the person signing.")
    country = models.CharField(max_length=2, blank=True, choices=country_choices)
    website = models.URLField(max_length=300, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    email_key = models.CharField(
        max_length=254, blank=True, db_index=True, help_text="Normalised email, for duplicates."
    )
    email_domain = models.CharField(
        max_length=254, blank=True, editable=False, help_text="For rate limits and trends."
    )
    reason = models.TextField(blank=True, max_length=1000, help_text="Withdrawals only.")
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Private.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="When the newest link emailed for it expires.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    signature = models.ForeignKey(
        Signature,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signup_requests",
        help_text="The signature this request made or withdrew.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Duplicate checks: WHERE letter_id = ? AND action = ? AND name_key = ?.
            models.Index(fields=["letter", "action", "name_key"], name="signup_letter_name_idx"),
            # Retention: WHERE created_at < ? AND anonymised_at IS NULL.
            models.Index(fields=["created_at"], name="signup_created_idx"),
            # A letter's trending domains and addresses: WHERE letter_id = ? AND
            # created_at >= ? GROUP BY email_domain (or ip_address).
            models.Index(fields=["letter", "created_at"], name="signup_letter_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=SignupAction.values), name="signup_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(signer_kind__in=SignerKind.values), name="signup_signer_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.letter}: {self.name}"

    @property
    def is_expired(self) -> bool:
        return self.confirmed_at is None and self.expires_at <= timezone.now()


class SignupLink(models.Model):
    """One confirmation link emailed for a sign-up or withdrawal request.

    Each link works until it expires: asking again for a lost email sends a fresh link
    and leaves the one already in the inbox working. Only a hash of the token is kept.
    """

    request = models.ForeignKey(SignupRequest, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="Private: who asked for this link."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Link for {self.request} (expires {self.expires_at:%Y-%m-%d %H:%M})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class CorrectionKind(models.TextChoices):
    ERROR = "error", _("Report an error")
    REMOVAL = "removal", _("Ask to be removed")


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Acted on"
    DECLINED = "declined", "Declined"


class CorrectionRequest(models.Model):
    """Someone listed (or anyone) reports an error or asks to be removed: the staff queue."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="correction_requests")
    signature = models.ForeignKey(
        Signature,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="correction_requests",
    )
    endorsement = models.ForeignKey(
        Endorsement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="correction_requests",
    )
    kind = models.CharField(max_length=10, choices=CorrectionKind, default=CorrectionKind.ERROR)
    details = models.TextField(max_length=4000)
    email = models.EmailField(blank=True, help_text="Private: only to answer the request.")
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Private.")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=CorrectionStatus, default=CorrectionStatus.OPEN
    )
    staff_notes = models.TextField(blank=True, help_text="Internal; never shown publicly.")

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values), name="correction_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(signature__isnull=True) | Q(endorsement__isnull=True),
                name="correction_request_about_one_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.letter} ({self.get_status_display()})"

    @property
    def subject(self) -> Signature | Endorsement | None:
        return self.signature or self.endorsement


class Correction(models.Model):
    """One line of a letter's public corrections log: what changed, when and why.

    Written by staff in their own words: no personal data.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="corrections")
    made_on = models.DateField(default=timezone.localdate)
    change = models.CharField(max_length=500, help_text="What changed, e.g. 'Removed a name'.")
    reason = models.CharField(max_length=500, help_text="Why, e.g. 'At the signatory's request'.")
    request = models.ForeignKey(
        CorrectionRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )

    objects = models.Manager.from_queryset(OnLetterQuerySet)()

    class Meta:
        ordering = ["letter", "-made_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(change=""), name="correction_change_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.made_on}: {self.change}"


class RateLimitHit(models.Model):
    """One accepted public write, counted per key (e.g. sign-ups per letter and IP)."""

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Counting recent hits: WHERE key = ? AND created_at >= ?.
            models.Index(fields=["key", "created_at"], name="ratelimit_key_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M:%S}"


# ---------------------------------------------------------------------------
# Imports of published signatory lists
# ---------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    READING = "reading", "Being read"
    PREVIEW = "preview", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Imported"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Could not be read"


class ImportRowStatus(models.TextChoices):
    """What an import row is, found at the preview."""

    EXACT = "exact", "Same record, with evidence"
    ALIAS = "alias", "Matches by alias"
    SAME_NAME = "same_name", "Same name only, to check"
    ORGANISATION = "organisation", "Organisation listed as an individual"
    CLOSE = "close", "Close match, to check"
    NEW = "new", "New record"
    DUPLICATE = "duplicate", "Duplicate of an earlier row"
    SIGNED = "signed", "Already a signatory"
    INVALID = "invalid", "Invalid"


class ImportOutcome(models.TextChoices):
    """What confirming an import did with a row."""

    CREATED = "created", "Signed by a new record"
    SIGNED = "signed", "Signed by an existing record"
    SKIPPED = "skipped", "Skipped"


class SignatoryImport(models.Model):
    """A published list being brought into a letter: parsed and matched rows wait here
    between the preview and the confirmation, and the per-row report stays afterwards."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="imports")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="imports",
        help_text="Where the list was published; every imported signature cites it.",
    )
    file_name = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.PREVIEW)
    upload = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The file or pasted list, until read."
    )
    options = models.JSONField(
        default=dict, blank=True, help_text="How to read it: format, encoding, defaults."
    )
    error = models.TextField(blank=True, help_text="Why the file could not be read.")
    report = models.JSONField(default=dict, blank=True, help_text="What the import did.")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name or 'a pasted list'} into {self.letter}"

    @property
    def rows(self) -> list[Any]:
        """Every row, in the list's order, read at once: for the command's report and
        for tests. The import's own steps read and write its rows a chunk at a time
        (letters/curation/import_rows.py), whatever the list's length."""
        return list(self.row_set.order_by("number").values_list("data", flat=True))


class SignatoryImportRow(models.Model):
    """One row of an import (letters/curation/rows.py `ImportRow`): as read and checked,
    then matched, chosen by a curator, and done with. Kept a row each, so that a list of
    150,000 names is read, matched, shown and written a chunk at a time, never held whole
    in a worker's memory; status, choice and outcome are copied out of the row's data
    for the preview's filters and counts."""

    signatory_import = models.ForeignKey(
        SignatoryImport, on_delete=models.CASCADE, related_name="row_set"
    )
    number = models.PositiveIntegerField(help_text="Its place in the list, from 0.")
    status = models.CharField(max_length=20, blank=True, choices=ImportRowStatus)
    choice = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, blank=True, choices=ImportOutcome)
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["signatory_import", "number"], name="import_row_has_one_place"
            )
        ]
        indexes = [models.Index(fields=["signatory_import", "status", "number"])]

    def __str__(self) -> str:
        return f"Row {self.number} of import #{self.signatory_import_id}"


# ---------------------------------------------------------------------------
# Work that leaves the request (letters/jobs/): emails waiting to go out, long jobs
# with their progress, and the schedule of periodic work
# ---------------------------------------------------------------------------


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundEmail(models.Model):
    """One email to one address: written by the request that wants it sent, delivered by
    a worker (letters/jobs/outbox.py), retried with back-off, and kept here with its
    error when it could not go out, so that no mail server failure reaches the public."""

    kind = models.CharField(max_length=100, help_text="What the email is for.")
    to = models.EmailField(blank=True, help_text="Private; cleared after the retention period.")
    subject = models.CharField(max_length=200)
    body = models.TextField(
        blank=True, help_text="Cleared once sent: it may carry a confirmation link."
    )
    status = models.CharField(max_length=10, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker next tries, if it is still waiting."
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Never sent after this time (a confirmation link that has expired).",
    )
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra headers, such as List-Unsubscribe."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing email"
        indexes = [
            # The sweep: WHERE status = 'queued' AND next_attempt_at <= now.
            models.Index(fields=["status", "next_attempt_at"], name="email_due_idx"),
            # Retention: WHERE created_at < ?.
            models.Index(fields=["created_at"], name="email_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="email_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to or '(anonymised)'}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """A long piece of work done by a worker rather than in a request (a bulk action, a
    link check, an import), with its progress for the admin page that follows it, and
    what a run that was stopped half-way needs to carry on (letters/jobs/runner.py)."""

    name = models.CharField(max_length=200, help_text="What the job does, for people.")
    task_path = models.CharField(max_length=200, help_text="The task that runs it.")
    key = models.CharField(
        max_length=200,
        blank=True,
        help_text="While a job with this key is queued or running, asking again returns it.",
    )
    params = models.JSONField(default=dict, blank=True)
    input_name = models.CharField(
        "uploaded file", max_length=300, blank=True, help_text="Kept in the database."
    )
    input_data = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0, help_text="Runs started, resumed ones too.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="Where a resumed run starts.")
    message = models.CharField(max_length=500, blank=True, help_text="The outcome.")
    result_url = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep: WHERE status IN ('queued', 'running') AND heartbeat_at < ?.
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=ACTIVE_JOB_STATUSES) & ~Q(key=""),
                name="job_one_active_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def admin_url(self) -> str:
        """Where a curator follows the job (it has no public page)."""
        return reverse("admin:letters_job_change", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, 100 * self.done // self.total)


class PeriodicTask(models.Model):
    """When each periodic task (letters/jobs/schedule.py) was last queued: one row per
    task, so that the schedulers of several workers queue each run once between them."""

    name = models.CharField(max_length=100, unique=True)
    last_slot = models.DateTimeField(help_text="The start of the period last queued.")
    last_enqueued_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------
# Notifications (letters/notifications/): the daily digest a hosted letter's contact
# may ask for, and the public's email alerts about an organisation, a person or a
# letter. Addresses are private and follow the sign-ups' retention rules.
# ---------------------------------------------------------------------------


class LetterContact(models.Model):
    """Who runs a letter hosted here, and whether they get the daily digest of its new
    confirmed signatures (set in the letter's admin)."""

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(help_text="Private: the digest goes here, never shown publicly.")
    daily_digest = models.BooleanField(
        default=False,
        help_text="Email this address, each morning, the signatures confirmed the day before. "
        "The contact can turn it off from a link in every digest.",
    )
    last_digest_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The last day a digest was sent for."
    )

    class Meta:
        verbose_name = "letter contact"

    def __str__(self) -> str:
        return f"Contact of {self.letter}"


class SubscriptionKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    PERSON = "person", "Person"
    LETTER = "letter", "Letter"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def confirmed(self) -> Self:
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """Someone following an organisation, a person or a letter by email: confirmed by a
    link (double opt-in), alerted daily, removed by one click."""

    kind = models.CharField(max_length=12, choices=SubscriptionKind)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(help_text="Private: never shown publicly.")
    email_key = models.CharField(max_length=254, editable=False, help_text="Normalised email.")
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the emailed token."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Private.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="When the confirmation link expires.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_alert_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The last day alerts were sent for."
    )
    language = models.CharField(
        max_length=15,
        blank=True,
        editable=False,
        help_text="The language of the page the follower asked from: their alerts are "
        "written in it (the site's default when blank, or no longer offered).",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Retention: WHERE created_at < ? (and the daily alerts' confirmed ones).
            models.Index(fields=["created_at"], name="subscription_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="organisation", organisation__isnull=False)
                    & Q(person__isnull=True, letter__isnull=True)
                )
                | (
                    Q(kind="person", person__isnull=False)
                    & Q(organisation__isnull=True, letter__isnull=True)
                )
                | (
                    Q(kind="letter", letter__isnull=False)
                    & Q(organisation__isnull=True, person__isnull=True)
                ),
                name="subscription_one_target_of_its_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=[field, "email_key"],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"subscription_one_per_{field}_and_email",
                )
                for field in ("organisation", "person", "letter")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self) -> "Organisation | Person | Letter":
        target = self.organisation or self.person or self.letter
        assert target is not None  # the check constraint
        return target
