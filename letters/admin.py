"""The curation admin: one ModelAdmin per model that curators edit.

A letter's signatures are never inlined in full (a letter may have thousands, and
Django refuses forms of over 1,000 fields): the letter form links to the paginated,
filterable signature list and offers a few empty rows to add signatories in place.

Features keep their admin code beside the rest of their code: imports
(letters/curation/import_admin.py), merges (curation/merge_admin.py), status actions
(curation/status_actions.py), and what the public sends (letters/signing/admin.py).
Background work (jobs, outgoing emails, the schedule) is in letters/jobs/admin.py.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .curation.forms import LetterAdminForm, NewSignatureFormSet, SignatureAdminForm
from .curation.import_admin import SignatoryImportAdminMixin
from .curation.merge_admin import MergeAdminMixin
from .curation.merging import merge_organisations, merge_people
from .curation.publishing import publish
from .curation.tasks import check_source_links, link_check_params
from .jobs import admin as jobs_admin  # noqa: F401  (registers the background work's admin)
from .jobs.runner import start
from .models import (
    ONE_ORIGINAL,
    Addressee,
    Correction,
    Endorsement,
    IdentityBasis,
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
    SignatoryImport,
    Signature,
    SignatureQuerySet,
    Source,
    Topic,
)
from .notifications.admin import LetterContactInline  # also registers subscriptions' admin
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
    actions = ["check_links"]

    @admin.action(description="Check the links of the selected sources", permissions=["change"])
    def check_links(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        ids = sorted(queryset.values_list("pk", flat=True))
        job = start(
            check_source_links,
            f"Check the links of {len(ids):,} sources",
            params=link_check_params(ids=ids),
            user=request.user,
        )
        self.message_user(
            request,
            format_html(
                'Checking the links in the background: <a href="{}">follow the job</a>.',
                job.admin_url,
            ),
            messages.INFO,
        )


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


class SignatureOfOrganisationInline(SignatureOfSignerInline):
    fk_name = "organisation"  # not `claimed_organisation`, an unverified sign-up's claim


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
    inlines = [OrganisationAliasInline, SignatureOfOrganisationInline, EndorsementOfEndorserInline]
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
    """Empty rows to add a few signatories without leaving the letter (a list goes in
    through the import); existing ones are listed (paginated) on the signature admin,
    one click away. Each row cites a source, its own or the letter form's."""

    model = Signature
    form = SignatureAdminForm
    formset = NewSignatureFormSet
    fields = ["organisation", "person", "published_name", "role", "country", "status", "sources"]
    autocomplete_fields = ["organisation", "person", "sources"]
    extra = 3
    can_delete = False
    verbose_name = "new signatory"
    verbose_name_plural = "add signatories one by one (a list: “Import signatories”)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signature]:
        return super().get_queryset(request).none()


def record_curator_choice(signature: Signature, user: Any, where: str) -> None:
    """A signer picked by hand in the admin is a curator's choice: that is the evidence
    that the record is this signer."""
    signature.identity_basis = IdentityBasis.CURATOR
    signature.identity_evidence = f"Chosen by {user.get_username()} in {where}."[:300]


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
            "Signatories",
            {"fields": ["listed_count", "signatures_link", "new_signatories_source"]},
        ),
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
        ("Internal", {"fields": ["staff_notes"], "classes": ["collapse"]}),
    ]
    # The signatories first: the common path is letter, source, list, publish.
    inlines = [
        NewSignatureInline,
        LetterTextInline,
        letter_inline(ReportedCount, "source", base=admin.StackedInline),
        letter_inline(Addressee, "person", "organisation", base=admin.StackedInline),
        letter_inline(Organiser, "person", "organisation", "source", base=admin.StackedInline),
        letter_inline(Endorsement, "person", "organisation", "source", base=admin.StackedInline),
        letter_inline(Quote, "person", "source", base=admin.StackedInline),
        letter_inline(Response, "source", base=admin.StackedInline),
        LetterCorrectionInline,
        LetterContactInline,
    ]

    class Media:
        css = {"all": ["css/admin-letter.css"]}

    def get_form(
        self, request: HttpRequest, obj: Letter | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("new_signatories_source")
        if field is not None:
            # The autocomplete needs the admin site, known only here.
            source_field = SignatoryImport._meta.get_field("source")
            field.widget = AutocompleteSelect(source_field, self.admin_site)
        return form

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Letter, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, NewSignatureInline):
            # The letter form's source, cited by each new row that gives none.
            source_id = request.POST.get("new_signatories_source", "")
            fallback = Source.objects.filter(pk=source_id).first() if source_id.isdigit() else None
            kwargs["form_kwargs"] = {"fallback_source": fallback}
        return kwargs

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool
    ) -> None:
        if formset.model is not Signature:
            super().save_formset(request, form, formset, change)
            return
        signatures = formset.save(commit=False)
        for signature in signatures:
            record_curator_choice(signature, request.user, f"the form of “{form.instance}”")
            signature.save()
        formset.save_m2m()
        fallback = form.cleaned_data.get("new_signatories_source")
        for signature in signatures:
            if fallback is not None and not signature.sources.exists():
                signature.sources.add(fallback)

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
            return "Save the letter first, then paste or upload its list of signatories."
        listed = reverse("admin:letters_signature_changelist") + f"?letter__id__exact={letter.pk}"
        importing = reverse("admin:letters_letter_import", args=[letter.pk])
        return format_html(
            '<a href="{}" class="button">Import signatories: paste or upload the list</a> '
            '<a href="{}">View and filter the signatures</a>',
            importing,
            listed,
        )


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
    list_filter = ["status", SignerKindFilter, "identity_basis", "country_is_inferred", "letter"]
    list_select_related = ["letter", "organisation", "person"]
    form = SignatureAdminForm
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
        "record_verification",
    ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "entered_at": timezone.now()}

    def save_model(
        self, request: HttpRequest, obj: Signature, form: forms.ModelForm, change: bool
    ) -> None:
        chosen = not change or {"organisation", "person"} & set(form.changed_data)
        if chosen and "identity_basis" not in form.changed_data:
            record_curator_choice(obj, request.user, "the signature admin")
        super().save_model(request, obj, form, change)


@admin.register(Endorsement)
class EndorsementAdmin(HistoryAdmin):
    list_display = ["endorser", "letter", "office", "jurisdiction", "date", "stance"]
    list_filter = ["stance", "jurisdiction"]
    list_select_related = ["letter", "person", "organisation"]
    search_fields = ["person__name", "organisation__name", "office", "quote"]
    autocomplete_fields = ["letter", "person", "organisation", "source"]
