"""Pages where the public follows an organisation, a person or a letter, confirms, and
unsubscribes; and the letter contact's digest unsubscribe. They carry a CSRF token and
are never cached."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from letters.lib.emailed_links import button_then_post, emailed_link_page, named_by_link
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
        token = subscriptions.subscribe(
            target, email, client_ip(request) or None, language=translation.get_language()
        )
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


@emailed_link_page
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = named_by_link(subscriptions.find_by_token(token))
    return button_then_post(
        request,
        {"subscription": subscription, "target": subscription.target},
        button="letters/notifications/follow_confirm.html",
        done="letters/notifications/follow_confirmed.html",
        already_done=subscription.confirmed_at is not None,
        act=lambda: subscriptions.confirm(subscription),
        refused="letters/notifications/expired.html",
    )


# Mail clients send RFC 8058's one-click POST from their own servers, with no cookie and
# no CSRF token: the secret token in the URL is the proof, and all it can do is stop
# emails. The page's own form (GET, then its button) carries a CSRF token anyway.
@csrf_exempt
@emailed_link_page
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; a POST (the button, or a mail client's one-click) deletes the
    subscription and its address. A link used twice says it is done."""
    subscription = subscriptions.subscription_for_unsubscribe(token)

    def delete() -> bool:
        assert subscription is not None  # not already done
        subscription.delete()
        return True

    return button_then_post(
        request,
        {"target": subscription.target if subscription else None},
        button="letters/notifications/unsubscribe.html",
        done="letters/notifications/unsubscribed.html",
        already_done=subscription is None,
        act=delete,
    )


@csrf_exempt  # RFC 8058 one-click, as above.
@emailed_link_page
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The letter contact's digest: GET shows a button, a POST turns the digest off."""
    contact = named_by_link(digest.contact_for_token(token))

    def stop_digest() -> bool:
        contact.daily_digest = False
        contact.save(update_fields=["daily_digest"])
        return True

    return button_then_post(
        request,
        {"letter": contact.letter},
        button="letters/notifications/digest_unsubscribe.html",
        done="letters/notifications/digest_unsubscribed.html",
        already_done=not contact.daily_digest,
        act=stop_digest,
    )
