"""The curation admin: one ModelAdmin per model that curators edit.

A letter's signatures are never inlined in full (a letter may have thousands, and
Django refuses forms of over 1,000 fields): the letter form links to the paginated,
filterable signature list and offers a few empty rows to add signatories in place.

Features keep their admin code beside the rest of their code: imports
(letters/curation/import_admin.py), merges (curation/merge_admin.py), status actions
(curation/status_actions.py), and what the public sends (letters/signing/admin.py).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .curation.forms import LetterAdminForm
from .curation.import_admin import SignatoryImportAdminMixin
from .curation.merge_admin import MergeAdminMixin
from .curation.merging import merge_organisations, merge_people
from .curation.publishing import publish
from .models import (
    ONE_ORIGINAL,
    Addressee,
    Correction,
    Endorsement,
    Letter,
    LetterText,
    Organisation,
    OrganisationAlias,
    Organiser,
    Person,
    PersonAlias,
    Quote,
    ReportedCount,
    Response,
    Signature,
    SignatureQuerySet,
    Source,
    Topic,
)
from .signing.admin import SignupModerationActions

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class HttpsByDefault(admin.ModelAdmin):
    """A URL typed without a scheme means https (Django 6's default, chosen now)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class LinkCheckFilter(admin.SimpleListFilter):
    """What the last `manage.py check_source_links` found."""

    title = "link check"
    parameter_name = "link"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("dead", "Dead"), ("ok", "OK"), ("unchecked", "Unchecked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> QuerySet[Source]:
        checked = Q(link_checked_at__isnull=False)
        dead = checked & (Q(link_status__isnull=True) | Q(link_status__gte=400))
        if self.value() == "dead":
            return queryset.filter(dead)
        if self.value() == "ok":
            return queryset.filter(checked).exclude(dead)
        if self.value() == "unchecked":
            return queryset.filter(link_checked_at__isnull=True)
        return queryset


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, answering 404 for a malformed history URL.

    Its history view passes the ids from the URL straight to the database, so a hand-edited
    `/history/abc/` would be a 500.
    """

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such history record.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Source)
class SourceAdmin(HttpsByDefault, HistoryAdmin):
    list_display = [
        "__str__",
        "outlet",
        "kind",
        "date",
        "is_copy",
        "headline_is_rebuilt",
        "link_status",
        "link_checked_at",
    ]
    list_filter = [LinkCheckFilter, "kind", "is_copy", "headline_is_rebuilt"]
    search_fields = ["url", "outlet", "headline"]
    readonly_fields = ["link_checked_at", "link_status", "link_error"]


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1


class ReadOnlyInline(admin.TabularInline):
    """What a signer did on letters, read-only: it is edited on the row itself."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class SignatureOfSignerInline(ReadOnlyInline):
    model = Signature
    fields = ("letter", "published_name", "role", "status")
    readonly_fields = fields
    verbose_name = "letter signed"
    verbose_name_plural = "letters signed"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signature]:
        return super().get_queryset(request).select_related("letter")


class EndorsementOfEndorserInline(ReadOnlyInline):
    model = Endorsement
    fields = ("letter", "office", "date", "stance", "source")
    readonly_fields = fields
    verbose_name = "letter endorsed"
    verbose_name_plural = "letters endorsed"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Endorsement]:
        return super().get_queryset(request).select_related("letter", "source")


@admin.register(Organisation)
class OrganisationAdmin(MergeAdminMixin, HttpsByDefault, HistoryAdmin):
    list_display = ["name", "kind", "country", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationAliasInline, SignatureOfSignerInline, EndorsementOfEndorserInline]
    merge = staticmethod(merge_organisations)


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 1


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, HttpsByDefault, HistoryAdmin):
    list_display = ["name", "country", "website"]
    search_fields = ["name", "aliases__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonAliasInline, SignatureOfSignerInline, EndorsementOfEndorserInline]
    merge = staticmethod(merge_people)


class LetterCount(TypedDict):
    """What `TopicAdmin.get_queryset` annotates each topic with."""

    letter_count: int


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """A public debate several letters belong to; letters join it from their own form."""

    list_display = ["name", "slug", "letter_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(letter_count=models.Count("letters"))

    @admin.display(description="Letters", ordering="letter_count")
    def letter_count(self, topic: "WithAnnotations[Topic, LetterCount]") -> int:
        return topic.letter_count


def letter_inline(
    model: type[models.Model], *autocomplete: str, base: type = admin.TabularInline
) -> type[admin.options.InlineModelAdmin]:
    """An inline of the letter form for rows that hang off a letter, with no empty rows
    until asked and autocompletes for the records they point to."""
    attributes = {"model": model, "extra": 0, "autocomplete_fields": list(autocomplete)}
    return type(f"{model.__name__}Inline", (base,), attributes)


class LetterTextFormSet(BaseInlineFormSet):
    """One original text per letter, checked across the forms: Django validates no
    conditional constraint that involves an inline's foreign key, and the database would
    refuse the save with an error page."""

    def clean(self) -> None:
        super().clean()
        originals = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_original") and not form.cleaned_data.get("DELETE")
        ]
        if len(originals) > 1:
            raise ValidationError(ONE_ORIGINAL)


class LetterTextInline(admin.StackedInline):
    """The letter's own text, original and translations, each citing its source."""

    model = LetterText
    formset = LetterTextFormSet
    extra = 0
    autocomplete_fields = ["source"]


class LetterCorrectionInline(admin.TabularInline):
    """The public corrections log, for changes made without a request."""

    model = Correction
    extra = 0
    fields = ["made_on", "change", "reason", "request"]
    readonly_fields = ["request"]


class NewSignatureInline(admin.TabularInline):
    """Empty rows to add signatories without leaving the letter; existing ones are
    listed (paginated) on the signature admin, one click away."""

    model = Signature
    fields = ["organisation", "person", "published_name", "role", "country", "status"]
    autocomplete_fields = ["organisation", "person"]
    extra = 3
    can_delete = False
    verbose_name = "new signatory"
    verbose_name_plural = "add signatories (existing ones: use the link above)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signature]:
        return super().get_queryset(request).none()


@admin.register(Letter)
class LetterAdmin(SignatoryImportAdminMixin, HistoryAdmin):
    list_display = [
        "title",
        "display_date",
        "visibility",
        "side",
        "listed_count",
        "signatures_link",
        "accepts_signups",
    ]
    list_filter = ["visibility", "side", "accepts_signups", "title_is_descriptive"]
    search_fields = ["title", "slug", "summary"]
    form = LetterAdminForm
    actions = ["publish_selected"]
    readonly_fields = ["listed_count", "signatures_link"]
    autocomplete_fields = ["in_response_to", "asks_source", "documents", "coverage", "topics"]
    fieldsets = [
        (None, {"fields": ["title", "title_is_descriptive", "slug", "date", "date_note"]}),
        ("Publication", {"fields": ["visibility", "accepts_signups", "last_reviewed_on"]}),
        (
            "Content",
            {
                "fields": [
                    "summary",
                    "asks",
                    "asks_source",
                    "platforms",
                    "side",
                    "stance",
                    "in_response_to",
                    "documents",
                    "coverage",
                    "signatories_note",
                    "notes",
                    "topics",
                ]
            },
        ),
        ("Signatories", {"fields": ["listed_count", "signatures_link"]}),
        ("Internal", {"fields": ["staff_notes"]}),
    ]
    inlines = [
        LetterTextInline,
        letter_inline(ReportedCount, "source"),
        letter_inline(Addressee, "person", "organisation"),
        letter_inline(Organiser, "person", "organisation", "source"),
        NewSignatureInline,
        letter_inline(Endorsement, "person", "organisation", "source", base=admin.StackedInline),
        letter_inline(Quote, "person", "source"),
        letter_inline(Response, "source"),
        LetterCorrectionInline,
    ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Letter | None = None
    ) -> list[str] | tuple[str, ...]:
        # The slug is the letter's stable public identifier: set once, never edited.
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Letter | None = None
    ) -> dict[str, Sequence[str]]:
        return {} if obj is not None else {"slug": ["title"]}

    @admin.display(description="Date", ordering="date")
    def display_date(self, letter: Letter) -> str:
        return letter.display_date

    @admin.action(description="Publish selected letters", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        result = publish(queryset)
        if result.published:
            titles = ", ".join(letter.title for letter in result.published)
            self.message_user(request, f"Published: {titles}.", messages.SUCCESS)
        for letter, problems in result.refused.items():
            self.message_user(
                request, f"Not published “{letter.title}”: {' '.join(problems)}", messages.ERROR
            )
        if not result.published and not result.refused:
            self.message_user(request, "No draft among the selected letters.", messages.WARNING)

    @admin.display(description="Signatures")
    def signatures_link(self, letter: Letter) -> str:
        if letter._state.adding:
            return "—"
        url = reverse("admin:letters_signature_changelist") + f"?letter__id__exact={letter.pk}"
        return format_html('<a href="{}">View and filter the signatures</a>', url)


class SignerKindFilter(admin.SimpleListFilter):
    title = "signer kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("organisation", "Organisation"), ("individual", "Individual")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> QuerySet[Signature]:
        kind = self.value()
        # The changelist filters the signature admin's own queryset.
        return cast(SignatureQuerySet, queryset).of_kind(kind) if kind else queryset


@admin.register(Signature)
class SignatureAdmin(SignupModerationActions, HistoryAdmin):
    """Also the moderation queue: filter by status "Pending moderation" to approve
    (mark confirmed) or reject sign-ups, one by one or in bulk, or everything sent from
    one IP address or email domain."""

    list_display = [
        "published_name",
        "signer",
        "letter",
        "status",
        "role",
        "country",
        "first_listed",
        "submitted_from",
    ]
    list_filter = ["status", SignerKindFilter, "country_is_inferred", "letter"]
    list_select_related = ["letter", "organisation", "person"]
    search_fields = [
        "published_name",
        "organisation__name",
        "person__name",
        "role",
        "=signup_requests__ip_address",
        "signup_requests__email_key",
    ]
    autocomplete_fields = ["letter", "organisation", "person", "sources"]
    readonly_fields = ["entered_at"]
    list_per_page = 100
    actions = [
        "mark_confirmed",
        "mark_disputed",
        "mark_withdrawn",
        "mark_rejected",
        "reject_same_ip",
        "reject_same_email_domain",
    ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "entered_at": timezone.now()}


@admin.register(Endorsement)
class EndorsementAdmin(HistoryAdmin):
    list_display = ["endorser", "letter", "office", "jurisdiction", "date", "stance"]
    list_filter = ["stance", "jurisdiction"]
    list_select_related = ["letter", "person", "organisation"]
    search_fields = ["person__name", "organisation__name", "office", "quote"]
    autocomplete_fields = ["letter", "person", "organisation", "source"]
