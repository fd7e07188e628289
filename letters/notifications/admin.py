"""The admin of notifications: a hosted letter's contact (an inline of the letter's
admin) and the public's subscriptions, for checking, never edited. Registered from
letters/admin.py."""

from django.contrib import admin
from django.http import HttpRequest

from letters.models import LetterContact, Subscription


class LetterContactInline(admin.StackedInline):
    model = LetterContact
    extra = 0
    max_num = 1
    fields = ["email", "daily_digest", "last_digest_on"]
    readonly_fields = ["last_digest_on"]
    verbose_name = "contact (private)"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Who follows what. Addresses are private: kept while a subscription lasts, deleted
    when it ends or, if never confirmed, after the retention period."""

    list_display = ["__str__", "kind", "language", "created_at", "confirmed_at", "last_alert_on"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "person", "letter"]
    search_fields = ["email_key", "organisation__name", "person__name", "letter__title"]
    readonly_fields = [field.name for field in Subscription._meta.fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return False
