"""Pages where the public writes: sign, withdraw, confirm by email, report an error.

These pages carry a CSRF token and are never cached; the read-only public pages in
letters/views.py carry none, so they stay cacheable.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from letters.lib.emailed_links import button_then_post, emailed_link_page, named_by_link
from letters.lib.http import HtmxHttpRequest
from letters.models import (
    CorrectionRequest,
    Endorsement,
    Letter,
    Signature,
    SignupAction,
)
from letters.page_cache import HTMX_VARY, wants_fragment
from letters.public.letter_texts import TEXT_PARAM, letter_texts, texts_shown
from letters.public.params import text_param
from tracker.client_ip import client_ip

from . import ratelimit, services
from .forms import SIGN_FORMS, CorrectionForm, PublicForm, SignerKindForm, WithdrawForm


def _hosted_letter(slug: str) -> Letter:
    """A published letter open for sign-ups; letters we only track answer 404."""
    return get_object_or_404(Letter.objects.hosted(), slug=slug)


def _too_many(request: HttpRequest, letter: Letter) -> HttpResponse:
    context = {
        "letter": letter,
        "address_limits": ratelimit.describe(ratelimit.PUBLIC_WRITE_LIMITS),
        "domain_limits": ratelimit.describe(ratelimit.EMAIL_DOMAIN_LIMITS),
    }
    return render(request, "letters/signing/too_many.html", context, status=429)


REQUEST_TEMPLATES: dict[str, str] = {
    SignupAction.SIGN: "letters/signing/sign.html",
    SignupAction.WITHDRAW: "letters/signing/withdraw.html",
}


def _request_form_class(action: str, kind: str | None) -> type[PublicForm] | None:
    """The form a request asks for: a withdrawal's, or the sign form of the signer's kind
    (None until a kind is chosen)."""
    if action == SignupAction.WITHDRAW:
        return WithdrawForm
    return SIGN_FORMS.get(kind or "")


def _request_page(
    request: HtmxHttpRequest,
    letter: Letter,
    action: str,
    form: PublicForm | None,
    kind: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The form's page; for an htmx request from the sign page's first step (choosing who
    signs), only the form of the kind chosen."""
    template = REQUEST_TEMPLATES[action]
    # The letter in its own words, in the language asked for (the sign page shows it).
    texts = letter_texts(texts_shown().filter(letter=letter), text_param(request, TEXT_PARAM))
    context: dict[str, object] = {"letter": letter, "form": form, "letter_texts": texts}
    if action == SignupAction.SIGN:
        kind_form = SignerKindForm({"kind": kind} if kind is not None else None)
        context["kind_form"] = kind_form
        context["kind_chosen"] = kind_form.is_bound and kind_form.is_valid()
        if wants_fragment(request):
            template += "#sign-form-swap"
    return render(request, template, context, status=status)


@never_cache
@vary_on_headers(*HTMX_VARY)
@require_http_methods(["GET", "HEAD", "POST"])
def signup_request(request: HtmxHttpRequest, slug: str, action: str) -> HttpResponse:
    """Sign or withdraw: the form, then a confirmation email, then "check your email".

    Signing starts by choosing who signs (an individual, or for an organisation), in
    the page's query string (?kind=organisation), so that the form shows that kind's
    fields only, with or without JavaScript.
    """
    letter = _hosted_letter(slug)
    if request.method != "POST":
        kind = request.GET.get("kind")
        form_class = _request_form_class(action, kind)
        form = form_class() if form_class else None
        status = 400 if kind is not None and form is None else 200
        return _request_page(request, letter, action, form, kind, status)
    kind = request.POST.get("signer_kind")
    form_class = _request_form_class(action, kind)
    if form_class is None:
        return _request_page(request, letter, action, None, kind or "", status=400)
    form = form_class(request.POST)
    if form.is_bot:
        return redirect("signup_sent", slug=letter.slug)
    if not form.is_valid():
        return _request_page(request, letter, action, form, kind, status=400)
    ip = client_ip(request) or None
    try:
        submission = services.submit(letter, action, form.cleaned_data, ip)
    except services.RateLimited:
        return _too_many(request, letter)
    if submission.token:
        confirm_url = request.build_absolute_uri(reverse("signup_confirm", args=[submission.token]))
        services.send_confirmation(submission, confirm_url)
    # The same answer whether the request was new, repeated or already confirmed.
    return redirect("signup_sent", slug=letter.slug)


@require_safe
def signup_sent(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _hosted_letter(slug)
    context = {"letter": letter, "hours": settings.SIGNUP_CONFIRMATION_HOURS}
    return render(request, "letters/signing/sent.html", context)


@emailed_link_page
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms (mail scanners follow links)."""
    link = named_by_link(services.find_link(token))
    signup = link.request
    context = {"signup": signup, "letter": signup.letter}
    if signup.confirmed_at is None and signup.action == SignupAction.SIGN:
        # A letter closed to sign-ups since the email was sent takes no more; a
        # withdrawal is still honoured.
        _hosted_letter(signup.letter.slug)
    if signup.confirmed_at is None and link.is_expired:
        return render(request, "letters/signing/expired.html", context, status=410)

    def carry_out() -> bool:
        try:
            services.confirm(link)
        except services.ConfirmationError:
            return False
        signup.refresh_from_db()
        return True

    return button_then_post(
        request,
        context,
        button="letters/signing/confirm.html",
        done="letters/signing/confirmed.html",
        already_done=signup.confirmed_at is not None,
        act=carry_out,
        refused="letters/signing/expired.html",
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_correction(request: HttpRequest, slug: str) -> HttpResponse:
    """'Report an error / ask to be removed', about one listed signatory or endorsement."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    about: dict[str, Signature | Endorsement | None] = {"signature": None, "endorsement": None}
    params = request.POST if request.method == "POST" else request.GET
    if params.get("signature") and params.get("endorsement"):
        # The form sends one; a request about both would break the row's check constraint.
        return HttpResponseBadRequest(
            gettext("Report on one signatory or one endorsement at a time.")
        )
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


@require_safe
def correction_sent(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    return render(request, "letters/signing/correction_sent.html", {"letter": letter})
