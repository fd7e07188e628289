"""Content-Security-Policy: a strict policy for public pages, the admin's own for the admin,
and `embeddable` for the rare view another site may frame; a Permissions-Policy on every
response."""

from collections.abc import Callable

from csp.decorators import csp_replace
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, using ADMIN_CONTENT_SECURITY_POLICY for the admin's URLs
    (its login, popups, autocomplete and third-party admin pages alike). A view's own
    @csp/@csp_update/@csp_replace decorators still apply on top."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


def _is_admin(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


def embeddable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Let any site frame this view: lifts X-Frame-Options and sets frame-ancestors *.

    Put it outermost, above any caching decorator, so cached responses get it too. It
    replaces frame-ancestors through csp_replace; a view that needs other replaced
    directives as well should pass them all in one @csp_replace instead.
    """
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


# Browser features no page here uses, switched off for every response (the admin's and
# static files included) and for anything a page might embed. Only features the
# browsers we test with recognise: an unknown name is reported as a console error.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
