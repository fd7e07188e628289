"""The curation admin.

A letter's signatures are never inlined in full (a letter may have thousands, and
Django refuses forms of over 1,000 fields): the letter form links to the paginated,
filterable signature list and offers a few empty rows to add signatories in place.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .admin_import import SignatoryImportAdminMixin
from .merging import MergeError, merge_organisations, merge_people
from .models import (
    Addressee,
    Correction,
    CorrectionRequest,
    CorrectionStatus,
    Endorsement,
    Letter,
    Organisation,
    OrganisationAlias,
    Organiser,
    Person,
    PersonAlias,
    Quote,
    ReportedCount,
    Response,
    Signature,
    SignatureStatus,
    SignupAction,
    SignupRequest,
    Source,
    Visibility,
)
from .partial_dates import validate_partial_date
from .publishing import publish, publishing_problems


class HttpsByDefault:
    """A URL typed without a scheme means https (Django 6's default, chosen now)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class LinkCheckFilter(admin.SimpleListFilter):
    """What the last `manage.py check_source_links` found."""

    title = "link check"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("dead", "Dead"), ("ok", "OK"), ("unchecked", "Unchecked")]

    def queryset(self, request, queryset):
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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
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


class SignatureOfSignerInline(admin.TabularInline):
    """The letters a signer signed, read-only: edit them on the signature itself."""

    model = Signature
    fields = ["letter", "published_name", "role", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "letter signed"
    verbose_name_plural = "letters signed"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter")


class EndorsementOfEndorserInline(admin.TabularInline):
    model = Endorsement
    fields = ["letter", "office", "date", "stance", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "letter endorsed"
    verbose_name_plural = "letters endorsed"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter", "source")


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Keep this record",
        help_text="The others become its aliases; their pages redirect to it.",
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(r.pk, f"{r} ({r.slug})") for r in records]


class MergeAdminMixin:
    """The "Merge selected …" action: a confirmation page to choose the record to keep."""

    actions = ["merge_selected"]
    merge = None  # merge_organisations or merge_people

    # A change, not a deletion: the merged record lives on as an alias, a redirect and its
    # history, so curators (who may not delete) can merge.
    @admin.action(description="Merge selected %(verbose_name_plural)s…", permissions=["change"])
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("pk"))
        if len(records) < 2:
            self.message_user(request, "Select at least two records to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, records=records)
        if form.is_valid():
            keep = next(r for r in records if r.pk == form.cleaned_data["keep"])
            try:
                report = type(self).merge(keep, records, user=request.user)
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, report.summary(), messages.SUCCESS)
            return None
        counted = queryset.model.objects.filter(pk__in=[r.pk for r in records]).annotate(
            signature_count=models.Count("signatures", distinct=True),
            endorsement_count=models.Count("endorsements", distinct=True),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.model._meta.verbose_name_plural}",
            "form": form,
            "records": counted.order_by("pk"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/letters/merge_confirm.html", context)


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


class ReportedCountInline(admin.TabularInline):
    model = ReportedCount
    extra = 0
    autocomplete_fields = ["source"]


class AddresseeInline(admin.TabularInline):
    model = Addressee
    extra = 0
    autocomplete_fields = ["person", "organisation"]


class OrganiserInline(admin.TabularInline):
    model = Organiser
    extra = 0
    autocomplete_fields = ["person", "organisation", "source"]


class EndorsementInline(admin.StackedInline):
    model = Endorsement
    extra = 0
    autocomplete_fields = ["person", "organisation", "source"]


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person", "source"]


class ResponseInline(admin.TabularInline):
    model = Response
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

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class LetterAdminForm(forms.ModelForm):
    """Refuses to save a letter as published while a listed signature has no source.

    The admin builds the fields from LetterAdmin.fieldsets."""

    def clean(self):
        cleaned = super().clean()
        # The gate is the act of publishing (the instance still holds the saved value
        # here): a letter already public stays editable, signatories added from its form
        # included, and gets its sources on the signature admin.
        publishing = self.instance.visibility != Visibility.PUBLISHED
        if publishing and cleaned.get("visibility") == Visibility.PUBLISHED:
            for problem in publishing_problems(self.instance):
                self.add_error("visibility", f"Cannot publish: {problem}")
        return cleaned


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
    autocomplete_fields = ["in_response_to", "asks_source", "documents", "coverage"]
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
                ]
            },
        ),
        ("Signatories", {"fields": ["listed_count", "signatures_link"]}),
        ("Internal", {"fields": ["staff_notes"]}),
    ]
    inlines = [
        ReportedCountInline,
        AddresseeInline,
        OrganiserInline,
        NewSignatureInline,
        EndorsementInline,
        QuoteInline,
        ResponseInline,
        LetterCorrectionInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        # The slug is the letter's stable public identifier: set once, never edited.
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["title"]}

    @admin.display(description="Date", ordering="date")
    def display_date(self, letter: Letter) -> str:
        return letter.display_date

    @admin.action(description="Publish selected letters", permissions=["change"])
    def publish_selected(self, request, queryset):
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
        if letter.pk is None:
            return "—"
        url = reverse("admin:letters_signature_changelist") + f"?letter__id__exact={letter.pk}"
        return format_html('<a href="{}">View and filter the signatures</a>', url)


class SignerKindFilter(admin.SimpleListFilter):
    title = "signer kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("organisation", "Organisation"), ("individual", "Individual")]

    def queryset(self, request, queryset):
        return queryset.of_kind(self.value()) if self.value() else queryset


@admin.register(Signature)
class SignatureAdmin(HistoryAdmin):
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

    def get_queryset(self, request):
        sign_up = SignupRequest.objects.filter(
            signature=OuterRef("pk"), action=SignupAction.SIGN
        ).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                signup_ip=Subquery(sign_up.values("ip_address")[:1]),
                signup_email_key=Subquery(sign_up.values("email_key")[:1]),
            )
        )

    @admin.display(description="Submitted from")
    def submitted_from(self, signature: Signature) -> str:
        if not signature.signup_email_key and not signature.signup_ip:
            return "—"
        domain = (signature.signup_email_key or "").rpartition("@")[2]
        return f"{signature.signup_ip or 'IP unknown'} · @{domain or '?'}"

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request), "entered_at": timezone.now()}

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str, **extra) -> None:
        label = SignatureStatus(status).label.lower()
        with transaction.atomic():
            # Only the ids: the changelist's annotations would make the UPDATE a join.
            ids = list(queryset.exclude(status=status).values_list("pk", flat=True))
            previous = dict(Signature.objects.filter(pk__in=ids).values_list("pk", "status"))
            # The queryset's update keeps the letters' counts and list places right.
            changed = Signature.objects.filter(pk__in=ids).update(status=status, **extra)
            # An UPDATE writes no history by itself: one history row per signature, with
            # the acting user, as a save from the admin form would have written.
            signatures = list(Signature.objects.filter(pk__in=ids))
            for signature in signatures:
                was_pending = previous[signature.pk] == SignatureStatus.PENDING
                if was_pending and status == SignatureStatus.CONFIRMED:
                    signature._change_reason = "Sign-up approved"
            Signature.history.bulk_history_create(
                signatures,
                update=True,
                default_user=request.user,
                default_change_reason=f"Marked {label} (admin action)",
            )
        noun = "signature" if changed == 1 else "signatures"
        self.message_user(request, f"{changed} {noun} marked {label}.", messages.SUCCESS)

    @admin.action(description="Mark selected signatures confirmed", permissions=["change"])
    def mark_confirmed(self, request, queryset):
        self._set_status(
            request, queryset, SignatureStatus.CONFIRMED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(description="Mark selected signatures disputed", permissions=["change"])
    def mark_disputed(self, request, queryset):
        self._set_status(
            request, queryset, SignatureStatus.DISPUTED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(description="Reject selected signatures", permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._set_status(
            request, queryset, SignatureStatus.REJECTED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(
        description="Reject every pending sign-up from the IP addresses of the selected",
        permissions=["change"],
    )
    def reject_same_ip(self, request, queryset):
        addresses = {a for a in queryset.values_list("signup_ip", flat=True) if a}
        self._reject_pending(request, signup_requests__ip_address__in=addresses)

    @admin.action(
        description="Reject every pending sign-up from the email domains of the selected",
        permissions=["change"],
    )
    def reject_same_email_domain(self, request, queryset):
        domains = {
            key.rpartition("@")[2]
            for key in queryset.values_list("signup_email_key", flat=True)
            if key
        }
        matches = Q(pk__in=[])
        for domain in domains:
            matches |= Q(signup_requests__email_key__endswith=f"@{domain}")
        self._reject_pending(request, matches)

    def _reject_pending(self, request, *conditions, **lookups) -> None:
        pending = Signature.objects.filter(status=SignatureStatus.PENDING)
        ids = pending.filter(*conditions, **lookups).values_list("pk", flat=True).distinct()
        self._set_status(
            request, Signature.objects.filter(pk__in=list(ids)), SignatureStatus.REJECTED
        )

    @admin.action(description="Mark selected signatures withdrawn…", permissions=["change"])
    def mark_withdrawn(self, request, queryset):
        """Asks for the date and reason first: a withdrawal is kept with both."""
        form = WithdrawalForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._set_status(
                request,
                queryset,
                SignatureStatus.WITHDRAWN,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                withdrawal_reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw signatures",
            "form": form,
            "signatures": queryset.select_related("letter"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/letters/signature/withdraw.html", context)


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.CharField(
        label="Withdrawn on",
        initial=lambda: timezone.localdate().isoformat(),
        validators=[validate_partial_date],
        help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precisely as known.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown publicly next to the withdrawn signature.",
    )


@admin.register(Endorsement)
class EndorsementAdmin(HistoryAdmin):
    list_display = ["endorser", "letter", "office", "jurisdiction", "date", "stance"]
    list_filter = ["stance", "jurisdiction"]
    list_select_related = ["letter", "person", "organisation"]
    search_fields = ["person__name", "organisation__name", "office", "quote"]
    autocomplete_fields = ["letter", "person", "organisation", "source"]


@admin.register(SignupRequest)
class SignupRequestAdmin(admin.ModelAdmin):
    """Sign-up and withdrawal requests as submitted: for checking, never edited."""

    list_display = [
        "name",
        "letter",
        "action",
        "signer_kind",
        "email_domain",
        "ip_address",
        "created_at",
        "confirmed_at",
        "signature",
    ]
    list_filter = ["action", "signer_kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["letter", "signature"]
    search_fields = ["name", "email_key", "=ip_address"]
    readonly_fields = [field.name for field in SignupRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Email domain")
    def email_domain(self, signup: SignupRequest) -> str:
        return signup.email_domain


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 1
    fields = ["made_on", "change", "reason"]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    """The corrections queue: fix the data, log the correction below, mark it acted on."""

    list_display = ["letter", "kind", "subject", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["letter", "signature", "endorsement__person"]
    search_fields = ["details", "letter__title"]
    readonly_fields = [
        "letter",
        "signature",
        "endorsement",
        "kind",
        "details",
        "email",
        "ip_address",
        "created_at",
    ]
    fields = [*readonly_fields, "status", "staff_notes"]
    inlines = [CorrectionInline]
    actions = ["mark_declined"]

    def has_add_permission(self, request):
        return False

    def save_formset(self, request, form, formset, change):
        for correction in formset.save(commit=False):
            correction.letter = form.instance.letter
            correction.save()
        for deleted in formset.deleted_objects:
            deleted.delete()

    @admin.action(description="Decline selected requests", permissions=["change"])
    def mark_declined(self, request, queryset):
        changed = queryset.filter(status=CorrectionStatus.OPEN).update(
            status=CorrectionStatus.DECLINED
        )
        self.message_user(request, f"{changed} request(s) declined.", messages.SUCCESS)
