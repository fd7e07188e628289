"""The admin site: Django's, or django-otp's two-factor one when REQUIRE_2FA is on.

The choice is made per request from settings, so one site object serves both (and tests can
switch it); with 2FA on, staff give username, password and a TOTP token, and a session that
was never verified by a device is treated as not logged in to the admin.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """django-otp's admin login, in one step for the usual staff member with one device.

    django-otp asks which device the token comes from, and its form offers the choice only
    after the password was accepted once. With a single device there is nothing to choose.
    """

    def clean_otp(self, user: AbstractBaseUser | None) -> None:
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user))
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        super().clean_otp(user)


class StaffAdminSite(OTPAdminSite):
    site_header = "Open Letter Tracker"
    site_title = "Open Letter Tracker admin"
    index_title = "Curation"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self) -> type[AuthenticationForm]:
        return TwoFactorLoginForm if settings.REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self) -> str | None:
        return OTPAdminSite.login_template if settings.REQUIRE_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
