"""The admin of what the public sends: sign-up requests as submitted, the moderation of
signatures they made, and the corrections queue. Registered from letters/admin.py."""

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from letters.curation.status_actions import SignatureStatusActions
from letters.models import (
    Correction,
    CorrectionRequest,
    CorrectionStatus,
    Signature,
    SignatureStatus,
    SignupAction,
    SignupRequest,
)


class SignupOrigin(TypedDict):
    """What `SignupModerationActions.get_queryset` annotates each signature with."""

    signup_ip: str | None
    signup_email_key: str | None


if TYPE_CHECKING:
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
            .annotate(
                signup_ip=Subquery(sign_up.values("ip_address")[:1]),
                signup_email_key=Subquery(sign_up.values("email_key")[:1]),
            )
        )

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

    def _reject_pending(self, request: HttpRequest, *conditions: Q, **lookups: Any) -> None:
        pending = Signature.objects.filter(status=SignatureStatus.PENDING)
        ids = pending.filter(*conditions, **lookups).values_list("pk", flat=True).distinct()
        self._set_status(
            request, Signature.objects.filter(pk__in=list(ids)), SignatureStatus.REJECTED
        )


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

    def has_add_permission(self, request: HttpRequest) -> bool:
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

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
        changed = queryset.filter(status=CorrectionStatus.OPEN).update(
            status=CorrectionStatus.DECLINED
        )
        self.message_user(request, f"{changed} request(s) declined.", messages.SUCCESS)
