from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, on the site that can require a TOTP token (tracker.admin)."""

    default_site = "tracker.admin.StaffAdminSite"
