"""The signature admin's status actions: mark selected signatures confirmed, disputed,
withdrawn (with a date and a reason) or rejected, each change in the history."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from letters.models import Signature, SignatureStatus

from .forms import WithdrawalForm


class SignatureStatusActions(admin.ModelAdmin):
    """Mixed into the signature admin."""

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Signature], status: str, **extra: Any
    ) -> None:
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
    def mark_confirmed(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        self._set_status(
            request, queryset, SignatureStatus.CONFIRMED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(description="Mark selected signatures disputed", permissions=["change"])
    def mark_disputed(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        self._set_status(
            request, queryset, SignatureStatus.DISPUTED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(description="Reject selected signatures", permissions=["change"])
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        self._set_status(
            request, queryset, SignatureStatus.REJECTED, withdrawn_on=None, withdrawal_reason=""
        )

    @admin.action(description="Mark selected signatures withdrawn…", permissions=["change"])
    def mark_withdrawn(
        self, request: HttpRequest, queryset: QuerySet[Signature]
    ) -> TemplateResponse | None:
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
