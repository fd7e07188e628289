"""The admin site: Django's, or django-otp's two-factor one when REQUIRE_2FA is on.

The choice is made per request from settings, so one site object serves both (and tests can
switch it); with 2FA on, staff give username, password and a TOTP code together, and a
session that was never verified by a device is treated as not logged in to the admin.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import authenticate, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp import match_token
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """The admin login with a TOTP code: username, password and code are checked together
    and any of them wrong gives the same answer, so the form never tells an attacker that
    a password was right.

    django-otp's own form checks the password first and then says what is missing ("enter
    your OTP token", "invalid token", a device to choose), which confirms the password.
    Here the code is tried against each of the user's devices (nothing to choose), and a
    right password with a wrong or missing code is a failed login like any other: django-
    axes counts it, so its lockout cannot tell the right password apart either.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Please enter the correct username, password and code for a staff "
        "account. Note that the username and password may be case-sensitive.",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        token = self.cleaned_data.get("otp_token")
        if username is None or not password:
            return self.cleaned_data  # the field itself says it is required
        user = authenticate(self.request, username=username, password=password)
        device = match_token(user, token) if (user is not None and token) else None
        if user is None or device is None:
            if user is not None:  # a wrong password was counted by authenticate()
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=self.request
                )
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(user)
        user.otp_device = device  # type: ignore[attr-defined]  # what django-otp's login reads
        self.user_cache = user
        return self.cleaned_data


AdminView = Callable[..., HttpResponse]


def refusing_malformed_selections(view: AdminView) -> AdminView:
    """A model admin's view that answers 400 to an action on ids that are not ids of its
    model ("abc" for a number): Django's admin would filter by them and fail with a 500
    when the action reads its queryset."""
    # ModelAdmin.get_urls() hands each view over as a bound method of the model admin.
    model_admin = getattr(view, "__self__", None)
    if not isinstance(model_admin, ModelAdmin):
        return view
    primary_key = model_admin.model._meta.pk

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            try:
                for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                    # The number, then its range (a 40-digit id overflows the database).
                    primary_key.run_validators(primary_key.to_python(value))
            except ValidationError:
                return HttpResponseBadRequest(
                    "The selection is not valid: reload the list and select the rows again."
                )
        return view(request, *args, **kwargs)

    return checked


class StaffAdminSite(OTPAdminSite):
    site_header = "Open Letter Tracker"
    site_title = "Open Letter Tracker admin"
    index_title = "Curation"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def admin_view(self, view: AdminView, cacheable: bool = False) -> AdminView:
        return super().admin_view(refusing_malformed_selections(view), cacheable)

    @property
    def login_form(self) -> type[AuthenticationForm]:
        return TwoFactorLoginForm if settings.REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self) -> str | None:
        return OTPAdminSite.login_template if settings.REQUIRE_2FA else None

    @method_decorator(never_cache)
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Django's admin sends a signed-in user's GET of the login page to the index, but
        # renders the form for a HEAD: a HEAD must answer as its GET does.
        if request.method == "HEAD" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        return super().login(request, extra_context)

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
