"""The signature admin's status actions: mark selected signatures confirmed, disputed,
withdrawn (with a date and a reason) or rejected, each change in the history.

A selection of up to BULK_ACTION_JOB_THRESHOLD signatures changes in the request, in one
transaction; a larger one (a whole letter of thousands) becomes a job
(letters/curation/tasks.py) that changes them 500 at a time, which the curator follows
in the admin's Jobs. Both go through `apply_status`.
"""

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from letters.jobs.runner import start
from letters.models import Signature, SignatureStatus
from letters.notifications.signers import notify_moderation

from .forms import WithdrawalForm

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def apply_status(
    ids: list[int],
    status: str,
    user: "AbstractBaseUser | AnonymousUser | None",
    **extra: Any,
) -> int:
    """Give `status` (and the `extra` fields) to those of the signatures `ids` that do not
    have it yet, with one history row each; returns how many changed. Running it again
    changes nothing more, which is what lets a job resume a chunk safely."""
    label = SignatureStatus(status).label.lower()
    with transaction.atomic():
        previous = dict(
            Signature.objects.filter(pk__in=ids).exclude(status=status).values_list("pk", "status")
        )
        # The queryset's update keeps the letters' counts and list places right.
        changed = Signature.objects.filter(pk__in=list(previous)).update(status=status, **extra)
        notify_moderation(previous, status)  # signers of approved or rejected sign-ups
        # An UPDATE writes no history by itself: one history row per signature, with
        # the acting user, as a save from the admin form would have written.
        signatures = list(Signature.objects.filter(pk__in=list(previous)))
        for signature in signatures:
            was_pending = previous[signature.pk] == SignatureStatus.PENDING
            if was_pending and status == SignatureStatus.CONFIRMED:
                signature._change_reason = "Sign-up approved"
        Signature.history.bulk_history_create(
            signatures,
            update=True,
            default_user=user if user is not None and user.is_authenticated else None,
            default_change_reason=f"Marked {label} (admin action)",
        )
    return changed


def fingerprint(*values: Any) -> str:
    """A short, stable digest of JSON values: the key of a job asked for with them."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def changed_message(changed: int, status: str) -> str:
    noun = "signature" if changed == 1 else "signatures"
    return f"{changed:,} {noun} marked {SignatureStatus(status).label.lower()}."


class SignatureStatusActions(admin.ModelAdmin):
    """Mixed into the signature admin."""

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Signature], status: str, **extra: Any
    ) -> None:
        # Only the ids: the changelist's annotations would make the UPDATE a join.
        selected = dict(queryset.values_list("pk", "status"))
        ids = sorted(pk for pk, current in selected.items() if current != status)
        if len(ids) <= settings.BULK_ACTION_JOB_THRESHOLD:
            changed = apply_status(ids, status, request.user, **extra)
            self.message_user(request, changed_message(changed, status), messages.SUCCESS)
            return
        from .tasks import set_signature_status

        label = SignatureStatus(status).label.lower()
        job = start(
            set_signature_status,
            f"Mark {len(ids):,} signatures {label}",
            params={"ids": ids, "status": status, "extra": extra},
            user=request.user,
            # The same action on the same selection, clicked twice, is one job.
            key="signature-status:" + fingerprint(status, sorted(selected), extra),
        )
        self.message_user(
            request,
            format_html(
                'Marking {} signatures {} in the background: <a href="{}">follow the job</a>.',
                f"{len(ids):,}",
                label,
                job.admin_url,
            ),
            messages.INFO,
        )

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
