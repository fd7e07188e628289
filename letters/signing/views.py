"""Pages where the public writes: sign, withdraw, confirm by email, report an error.

These pages carry a CSRF token and are never cached; the read-only public pages in
letters/views.py carry none, so they stay cacheable.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from letters.models import (
    CorrectionRequest,
    Endorsement,
    Letter,
    Signature,
    SignupAction,
    SignupRequest,
)
from letters.public.letter_texts import TEXT_PARAM, letter_texts
from letters.public.params import text_param
from tracker.client_ip import client_ip

from . import ratelimit, services
from .forms import CorrectionForm, PublicForm, SignForm, WithdrawForm


def _hosted_letter(slug: str) -> Letter:
    """A published letter open for sign-ups; letters we only track answer 404."""
    return get_object_or_404(Letter.objects.hosted(), slug=slug)


def _too_many(request: HttpRequest, letter: Letter) -> HttpResponse:
    return render(request, "letters/signing/too_many.html", {"letter": letter}, status=429)


# What each request from a signer asks for, and the page that asks it.
REQUEST_FORMS: dict[str, tuple[type[PublicForm], str]] = {
    SignupAction.SIGN: (SignForm, "letters/signing/sign.html"),
    SignupAction.WITHDRAW: (WithdrawForm, "letters/signing/withdraw.html"),
}


@never_cache
@require_http_methods(["GET", "POST"])
def signup_request(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Sign or withdraw: the form, then a confirmation email, then "check your email"."""
    letter = _hosted_letter(slug)
    form_class, template = REQUEST_FORMS[action]
    # The letter in its own words, in the language asked for (the sign page shows it).
    texts = letter_texts(letter, text_param(request, TEXT_PARAM))
    context = {"letter": letter, "letter_texts": texts}
    if request.method != "POST":
        return render(request, template, {**context, "form": form_class()})
    form = form_class(request.POST)
    if form.is_bot:
        return redirect("signup_sent", slug=letter.slug)
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=400)
    ip = client_ip(request) or None
    if not ratelimit.allow(f"{action}:{letter.pk}:{ip}"):
        return _too_many(request, letter)
    submission = services.submit(letter, action, form.cleaned_data, ip)
    if submission.token:
        confirm_url = request.build_absolute_uri(reverse("signup_confirm", args=[submission.token]))
        services.send_confirmation(submission, confirm_url)
    # The same answer whether the request was new, repeated or already confirmed.
    return redirect("signup_sent", slug=letter.slug)


@require_GET
def signup_sent(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _hosted_letter(slug)
    context = {"letter": letter, "hours": settings.SIGNUP_CONFIRMATION_HOURS}
    return render(request, "letters/signing/sent.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (mail scanners follow links)."""
    signup = get_object_or_404(
        SignupRequest.objects.select_related("letter"), token_hash=services.hash_token(token)
    )
    context = {"signup": signup, "letter": signup.letter}
    if signup.confirmed_at is None and signup.action == SignupAction.SIGN:
        # A letter closed to sign-ups since the email was sent takes no more; a
        # withdrawal is still honoured.
        _hosted_letter(signup.letter.slug)
    if signup.confirmed_at is None and signup.is_expired:
        return render(request, "letters/signing/expired.html", context, status=410)
    if request.method == "POST" and signup.confirmed_at is None:
        try:
            services.confirm(signup)
        except services.ConfirmationError:
            return render(request, "letters/signing/expired.html", context, status=410)
        signup.refresh_from_db()
        return render(request, "letters/signing/confirmed.html", context)
    template = (
        "letters/signing/confirmed.html" if signup.confirmed_at else "letters/signing/confirm.html"
    )
    return render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def report_correction(request: HttpRequest, slug: str) -> HttpResponse:
    """'Report an error / ask to be removed', about one listed signatory or endorsement."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    about: dict[str, Signature | Endorsement | None] = {"signature": None, "endorsement": None}
    params = request.POST if request.method == "POST" else request.GET
    if params.get("signature") and params.get("endorsement"):
        # The form sends one; a request about both would break the row's check constraint.
        return HttpResponseBadRequest("Report on one signatory or one endorsement at a time.")
    for name, queryset in (
        ("signature", Signature.objects.public_on(letter)),
        ("endorsement", Endorsement.objects.filter(letter=letter)),
    ):
        if params.get(name):
            try:
                about[name] = queryset.get(pk=int(params[name]))
            except (ValueError, ObjectDoesNotExist):
                raise Http404(f"No such {name} on this letter.") from None
    context = {"letter": letter, **about}
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_bot:
            return redirect("correction_sent", slug=letter.slug)
        if not form.is_valid():
            return render(
                request,
                "letters/signing/report_correction.html",
                {**context, "form": form},
                status=400,
            )
        ip = client_ip(request) or None
        if not ratelimit.allow(f"correction:{letter.pk}:{ip}"):
            return _too_many(request, letter)
        CorrectionRequest.objects.create(
            letter=letter,
            kind=form.cleaned_data["kind"],
            details=form.cleaned_data["details"],
            email=form.cleaned_data["email"],
            ip_address=ip,
            **about,
        )
        return redirect("correction_sent", slug=letter.slug)
    return render(
        request, "letters/signing/report_correction.html", {**context, "form": CorrectionForm()}
    )


@require_GET
def correction_sent(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    return render(request, "letters/signing/correction_sent.html", {"letter": letter})
