"""Pages where the public follows an organisation, a person or a letter, confirms, and
unsubscribes; and the letter contact's digest unsubscribe. They carry a CSRF token and
are never cached."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from letters.signing import ratelimit
from tracker.client_ip import client_ip

from . import digest, subscriptions
from .forms import FollowForm


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Email alerts about `slug`: the form, then a confirmation email, then "check your
    email" (the same answer whether the address was new, repeated or confirmed)."""
    target = subscriptions.public_target(kind, slug)
    context: dict[str, object] = {"target": target, "kind": kind}
    if request.method != "POST":
        return render(
            request, "letters/notifications/follow.html", {**context, "form": FollowForm()}
        )
    form = FollowForm(request.POST)
    if form.is_bot:
        return redirect("follow_sent")
    if not form.is_valid():
        return render(
            request, "letters/notifications/follow.html", {**context, "form": form}, status=400
        )
    email = form.cleaned_data["email"]
    try:
        token = subscriptions.subscribe(target, email, client_ip(request) or None)
    except subscriptions.RateLimited:
        limits = {
            "address_limits": ratelimit.describe(subscriptions.FOLLOW_LIMITS),
            "domain_limits": ratelimit.describe(ratelimit.EMAIL_DOMAIN_LIMITS),
        }
        return render(
            request, "letters/notifications/too_many.html", {**context, **limits}, status=429
        )
    if token is not None:
        subscriptions.send_confirmation(target, email, token)
    return redirect("follow_sent")


@require_safe
def follow_sent(request: HttpRequest) -> HttpResponse:
    context = {"hours": settings.SIGNUP_CONFIRMATION_HOURS}
    return render(request, "letters/notifications/follow_sent.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (mail scanners follow links)."""
    subscription = subscriptions.find_by_token(token)
    if subscription is None:
        raise Http404("No such confirmation link.")
    context = {"subscription": subscription, "target": subscription.target}
    if request.method == "POST":
        if not subscriptions.confirm(subscription):
            return render(request, "letters/notifications/expired.html", context, status=410)
        return render(request, "letters/notifications/follow_confirmed.html", context)
    if subscription.confirmed_at is not None:
        return render(request, "letters/notifications/follow_confirmed.html", context)
    return render(request, "letters/notifications/follow_confirm.html", context)


# Mail clients send RFC 8058's one-click POST from their own servers, with no cookie and
# no CSRF token: the secret token in the URL is the proof, and all it can do is stop
# emails. The page's own form (GET, then its button) carries a CSRF token anyway.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; a POST (the button, or a mail client's one-click) deletes the
    subscription and its address. A link used twice says it is done."""
    subscription = subscriptions.subscription_for_unsubscribe(token)
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return render(request, "letters/notifications/unsubscribed.html", {})
    if subscription is None:
        return render(request, "letters/notifications/unsubscribed.html", {})
    context = {"target": subscription.target}
    return render(request, "letters/notifications/unsubscribe.html", context)


@csrf_exempt  # RFC 8058 one-click, as above.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The letter contact's digest: GET shows a button, a POST turns the digest off."""
    contact = digest.contact_for_token(token)
    if contact is None:
        raise Http404("No such unsubscribe link.")
    context = {"letter": contact.letter}
    if request.method == "POST":
        if contact.daily_digest:
            contact.daily_digest = False
            contact.save(update_fields=["daily_digest"])
        return render(request, "letters/notifications/digest_unsubscribed.html", context)
    if not contact.daily_digest:
        return render(request, "letters/notifications/digest_unsubscribed.html", context)
    return render(request, "letters/notifications/digest_unsubscribe.html", context)
