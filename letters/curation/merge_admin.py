"""The admin's "Merge selected …" action on organisations and people."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import QuerySet
from django.template.response import TemplateResponse

from letters.lib.http import AuthenticatedHttpRequest
from letters.models import Signer

from .forms import MergeForm
from .merging import MergeError, MergeReport


class MergeAdminMixin(admin.ModelAdmin):
    """The "Merge selected …" action: a confirmation page to choose the record to keep."""

    actions = ["merge_selected"]
    # merge_organisations or merge_people, as a staticmethod
    merge: Callable[..., MergeReport]

    # A change, not a deletion: the merged record lives on as an alias, a redirect and its
    # history, so curators (who may not delete) can merge.
    @admin.action(description="Merge selected %(verbose_name_plural)s…", permissions=["change"])
    def merge_selected(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Signer]
    ) -> TemplateResponse | None:
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
