"""The admin of what the public sends: sign-up requests as submitted, the moderation of
signatures they made, and the corrections queue. Registered from letters/admin.py."""

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html

from letters.curation.status_actions import SignatureStatusActions
from letters.lib.http import AuthenticatedHttpRequest
from letters.models import (
    Correction,
    CorrectionRequest,
    CorrectionStatus,
    Letter,
    Signature,
    SignatureStatus,
    SignupAction,
    SignupRequest,
)
from letters.notifications.signers import notify_correction_resolved, notify_moderation

from . import ratelimit, trends
from .verification import VerificationError, record_curator_verification


class SignupOrigin(TypedDict):
    """What `SignupModerationActions.get_queryset` annotates each signature with."""

    signup_ip: str | None
    signup_email_key: str | None


if TYPE_CHECKING:
    from django.contrib.admin.options import _ListDisplayT, _ListFilterT
    from django_stubs_ext import WithAnnotations

    # A signature as the signature admin's list reads it.
    SignatureWithOrigin = WithAnnotations[Signature, SignupOrigin]


class SignupModerationActions(SignatureStatusActions):
    """Mixed into the signature admin: where each sign-up came from, and rejecting every
    pending sign-up from the same IP address or email domain (with the status actions)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signature]:
        sign_up = SignupRequest.objects.filter(
            signature=OuterRef("pk"), action=SignupAction.SIGN
        ).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .select_related("claimed_organisation")
            .annotate(
                signup_ip=Subquery(sign_up.values("ip_address")[:1]),
                signup_email_key=Subquery(sign_up.values("email_key")[:1]),
            )
        )

    def get_list_display(self, request: HttpRequest) -> "_ListDisplayT":
        """The verification right after the name, where a moderator reads first."""
        columns = list(super().get_list_display(request))
        return [*columns[:1], "verification_for_moderators", *columns[1:]]

    def get_list_filter(self, request: HttpRequest) -> "list[_ListFilterT]":
        return [*super().get_list_filter(request), VerificationFilter]

    def get_readonly_fields(self, request: HttpRequest, obj: Signature | None = None) -> list[str]:
        fields = [
            *super().get_readonly_fields(request, obj),
            "verification_for_moderators",
            "signed_on_site_at",
            "verified_domain",
            "verification_method",
            "claimed_organisation",
        ]
        if obj is not None and obj.claimed_organisation_id:
            # An unverified claim becomes the organisation's only through the verification
            # action, which records how it was verified.
            fields += ["organisation", "person"]
        return fields

    def save_model(
        self, request: HttpRequest, obj: Signature, form: ModelForm, change: bool
    ) -> None:
        previous = dict(Signature.objects.filter(pk=obj.pk).values_list("pk", "status"))
        super().save_model(request, obj, form, change)
        notify_moderation(previous, obj.status)  # approved or rejected on its change form

    @admin.display(description="Verification")
    def verification_for_moderators(self, signature: Signature) -> str:
        """What a moderator must know before approving: above all, a claim to sign for an
        organisation that nobody verified."""
        claimed = signature.claimed_organisation
        if claimed is not None:
            return format_html(
                '<strong class="errornote">claims to be {}: unverified</strong>'
                "<br>Listed as the individual, with {} as affiliation, unless verified.",
                claimed.name,
                claimed.name,
            )
        return signature.verification_summary or "—"

    @admin.display(description="Submitted from")
    def submitted_from(self, signature: "SignatureWithOrigin") -> str:
        if not signature.signup_email_key and not signature.signup_ip:
            return "—"
        domain = (signature.signup_email_key or "").rpartition("@")[2]
        return f"{signature.signup_ip or 'IP unknown'} · @{domain or '?'}"

    @admin.action(
        description="Reject every pending sign-up from the IP addresses of the selected",
        permissions=["change"],
    )
    def reject_same_ip(
        self, request: HttpRequest, queryset: "QuerySet[SignatureWithOrigin]"
    ) -> None:
        addresses = {a for a in queryset.values_list("signup_ip", flat=True) if a}
        self._reject_pending(request, signup_requests__ip_address__in=addresses)

    @admin.action(
        description="Reject every pending sign-up from the email domains of the selected",
        permissions=["change"],
    )
    def reject_same_email_domain(
        self, request: HttpRequest, queryset: "QuerySet[SignatureWithOrigin]"
    ) -> None:
        domains = {
            key.rpartition("@")[2]
            for key in queryset.values_list("signup_email_key", flat=True)
            if key
        }
        matches = Q(pk__in=[])
        for domain in domains:
            matches |= Q(signup_requests__email_key__endswith=f"@{domain}")
        self._reject_pending(request, matches)

    @admin.action(
        description="Record how the selected sign-ups were verified…", permissions=["change"]
    )
    def record_verification(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Signature]
    ) -> TemplateResponse | None:
        """Asks how they were verified first; a claim to sign for an organisation then
        becomes that organisation's signature."""
        form = VerificationForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            verified, problems = 0, []
            for signature in queryset:
                try:
                    record_curator_verification(
                        signature, form.cleaned_data["method"], user=request.user
                    )
                except VerificationError as error:
                    problems.append(str(error))
                else:
                    verified += 1
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            noun = "sign-up" if verified == 1 else "sign-ups"
            self.message_user(request, f"{verified} {noun} verified.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Record how these sign-ups were verified",
            "form": form,
            "signatures": queryset.select_related("letter", "claimed_organisation"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/letters/signature/verify.html", context)

    def _reject_pending(self, request: HttpRequest, *conditions: Q, **lookups: Any) -> None:
        pending = Signature.objects.filter(status=SignatureStatus.PENDING)
        ids = pending.filter(*conditions, **lookups).values_list("pk", flat=True).distinct()
        self._set_status(
            request, Signature.objects.filter(pk__in=list(ids)), SignatureStatus.REJECTED
        )


class VerificationForm(forms.Form):
    method = forms.CharField(
        label="How were they verified?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown publicly beside each signature and kept in its history: say how "
        "(e.g. “Confirmed by phone with the organisation's press office”), name no private "
        "person.",
    )


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("claim", "Claims an organisation: unverified"),
            ("none", "Signed here: not verified"),
            ("verified", "Signed here: verified"),
            ("source", "From a published source"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> QuerySet[Signature]:
        on_site = Q(signed_on_site_at__isnull=False)
        verified = ~Q(verified_domain="") | ~Q(verification_method="")
        conditions = {
            "claim": Q(claimed_organisation__isnull=False),
            "none": on_site & ~verified,
            "verified": on_site & verified,
            "source": Q(signed_on_site_at__isnull=True),
        }
        value = self.value()
        return queryset.filter(conditions[value]) if value in conditions else queryset


@admin.register(SignupRequest)
class SignupRequestAdmin(admin.ModelAdmin):
    """Sign-up and withdrawal requests as submitted: for checking, never edited. The
    "Trending" page shows which email domains and addresses send a letter the most."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        trending = path(
            "trending/",
            self.admin_site.admin_view(self.trending_view),
            name="letters_signuprequest_trending",
        )
        return [trending, *super().get_urls()]

    def trending_view(self, request: HttpRequest) -> HttpResponse:
        """The email domains and addresses sending a letter the most requests lately.

        For whoever moderates signatures (curators included): the signature list already
        shows them where each sign-up came from."""
        if not request.user.has_perm("letters.change_signature"):
            raise PermissionDenied
        form = TrendingForm(request.GET or None)
        hours = trends.DEFAULT_WINDOW
        letter = None
        if form.is_valid():
            hours = int(form.cleaned_data["hours"] or trends.DEFAULT_WINDOW)
            letter = form.cleaned_data["letter"]
        context: dict[str, object] = {
            **self.admin_site.each_context(request),
            "title": "Trending sign-up sources",
            "opts": Signature._meta,  # its breadcrumbs lead to the moderation queue
            "form": form,
            "hours": hours,
            "window": trends.WINDOWS[hours],
            "activity": trends.letters_with_requests(hours),
            "chosen_letter": letter,
            "top": trends.TOP,
            "address_limits": ratelimit.describe(ratelimit.PUBLIC_WRITE_LIMITS),
            "domain_limits": ratelimit.describe(ratelimit.EMAIL_DOMAIN_LIMITS),
            "shared_domain_limits": ratelimit.describe(ratelimit.SHARED_MAIL_DOMAIN_LIMITS),
        }
        if letter is not None:
            context["domains"] = trends.trending(letter, hours, "email_domain")
            context["addresses"] = trends.trending(letter, hours, "ip_address")
        return TemplateResponse(request, "admin/letters/signuprequest/trending.html", context)


class TrendingForm(forms.Form):
    letter = forms.ModelChoiceField(
        queryset=Letter.objects.filter(
            Q(accepts_signups=True) | Q(pk__in=SignupRequest.objects.values("letter"))
        ).order_by("title"),
        required=False,
    )
    hours = forms.TypedChoiceField(
        label="Over",
        choices=list(trends.WINDOWS.items()),
        coerce=int,
        required=False,
    )


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: CorrectionRequest, form: ModelForm, change: bool
    ) -> None:
        previous = CorrectionRequest.objects.filter(pk=obj.pk).values_list("status", flat=True)
        previous_status = previous.first() or CorrectionStatus.OPEN
        super().save_model(request, obj, form, change)
        notify_correction_resolved(obj, previous_status)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for correction in formset.save(commit=False):
            correction.letter = form.instance.letter
            correction.save()
        for deleted in formset.deleted_objects:
            deleted.delete()

    @admin.action(description="Decline selected requests", permissions=["change"])
    def mark_declined(self, request: HttpRequest, queryset: QuerySet[CorrectionRequest]) -> None:
        open_requests = list(queryset.filter(status=CorrectionStatus.OPEN))
        changed = queryset.filter(pk__in=[r.pk for r in open_requests]).update(
            status=CorrectionStatus.DECLINED
        )
        for declined in open_requests:
            declined.status = CorrectionStatus.DECLINED
            notify_correction_resolved(declined, CorrectionStatus.OPEN)
        self.message_user(request, f"{changed} request(s) declined.", messages.SUCCESS)
