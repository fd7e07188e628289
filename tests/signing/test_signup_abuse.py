"""The sign-up and withdrawal forms refuse fakes, spam and floods calmly.

Bad input gets a form error (400) or another 4xx, never a 500, and writes no row; the
per-IP limits (one in 60 s, five in 5 minutes, per letter) hold under a burst of
parallel requests on both databases.
"""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import (
    Letter,
    RateLimitHit,
    Signature,
    SignatureStatus,
    SignupRequest,
)
from letters.signing.services import hash_token
from tests import factories
from tests.signing.helpers import new_ip, row_counts

# Every field of the organisation sign form a visitor types into.
ORGANISATION_FIELDS = ["name", "website", "country", "contact_name", "role", "email", "started"]


def sign_url(letter: Letter) -> str:
    return reverse("sign_letter", args=[letter.slug])


def withdraw_url(letter: Letter) -> str:
    return reverse("withdraw_signature", args=[letter.slug])


def recorded_requests() -> list[tuple[str, str, str, str]]:
    """(letter, action, name or email, client address) of every request written. A bot's
    submission is answered like a real one, so only this tells the two apart."""
    requests = SignupRequest.objects.order_by("pk")
    return [
        (request.letter.slug, request.action, request.name or request.email, request.ip_address)
        for request in requests.select_related("letter")
    ]


def assert_refused(response, field: str | None = None) -> None:
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors
    if field is not None:
        assert field in errors, errors.as_data()


# ---------------------------------------------------------------------------
# Bad input on the sign form
# ---------------------------------------------------------------------------

REFUSED_NAMES = [
    pytest.param("Visit https://spam.example", id="http link"),
    pytest.param("Cheap pills at www.spam.example", id="www link"),
    pytest.param("Best deals on spam.com", id="bare domain"),
    pytest.param('=HYPERLINK("https://spam.example")', id="formula ="),
    pytest.param("   =1+1", id="formula = after spaces"),
    pytest.param("+44 20 7946 0000", id="formula +"),
    pytest.param("-2+3", id="formula -"),
    pytest.param("@SUM(A1:A9)", id="formula @"),
    pytest.param("A" * 10_000, id="10,000 characters"),
    pytest.param("Ada\x00Lovelace", id="NUL"),
    pytest.param("Ada \u202eecalevoL", id="right-to-left override"),
    pytest.param("\u202dAda Lovelace", id="left-to-right override"),
    pytest.param("Ada \u2067Lovelace\u2069", id="right-to-left isolate"),
    pytest.param("Ada\u200fLovelace", id="right-to-left mark"),
    pytest.param("Ada\u200bLovelace", id="zero-width space"),
    pytest.param("\ufeffAda Lovelace", id="byte order mark"),
    pytest.param("Ada\u0007Lovelace", id="bell"),
    pytest.param("Ada\nLovelace", id="line break"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_names_that_are_spam_formulas_or_hidden_text_are_refused(
    client, hosted, nothing_written, name
):
    response = client.post(sign_url(hosted), factories.sign_form(name=name))

    assert_refused(response, "name")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (factories.sign_form, "affiliation"),
        (factories.sign_form, "country"),
        (factories.organisation_sign_form, "role"),
        (factories.organisation_sign_form, "country"),
        (factories.organisation_sign_form, "contact_name"),
    ],
)
@pytest.mark.parametrize(
    "value", ["Lovelace \u202eLtd", "see https://spam.example", "=cmd|' /C calc'!A0"]
)
def test_every_public_text_field_is_checked_like_the_name(
    client, hosted, nothing_written, form, field, value
):
    response = client.post(sign_url(hosted), form(**{field: value}))

    assert_refused(response, field)


@pytest.mark.parametrize(
    ("form", "field"),
    [(factories.organisation_sign_form, field) for field in ORGANISATION_FIELDS]
    + [(factories.sign_form, field) for field in ("name", "affiliation", "country", "email")],
)
def test_a_nul_byte_in_any_field_is_refused(client, hosted, nothing_written, form, field):
    data = form()
    data[field] = data[field][:3] + "\x00" + data[field][3:]

    response = client.post(sign_url(hosted), data)

    assert response.status_code == 400
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "kind", ["robot", "", "organ\x00isation", "individual\u200b", None], ids=repr
)
def test_a_sign_up_of_no_known_kind_is_refused_and_asks_who_signs(
    client, hosted, nothing_written, kind
):
    data = factories.organisation_sign_form(signer_kind=kind)
    if kind is None:
        del data["signer_kind"]

    response = client.post(sign_url(hosted), data)

    assert response.status_code == 400
    assert response.context["form"] is None
    assert response.context["kind_form"].errors["kind"]
    assert (
        "Choose whether you sign as yourself or for an organisation." in response.content.decode()
    )


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "ada@",
        "@example.org",
        "ada@example",
        "ada@@example.org",
        "ada@example.org\nBcc: everyone@example.net",
        "ada lovelace@example.org",
        "a" * 250 + "@example.org",  # longer than any mailbox the database can keep
        "a" * 320 + "@example.org",
    ],
)
def test_invalid_emails_are_refused(client, hosted, nothing_written, email):
    response = client.post(sign_url(hosted), factories.sign_form(email=email))

    assert_refused(response, "email")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": ""}, "consent"),
        ({"email": ""}, "email"),
        ({"name": ""}, "name"),
        ({"contact_name": ""}, "contact_name"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "https://" + "a" * 300 + ".example/"}, "website"),
    ],
)
def test_missing_or_malformed_fields_are_refused(client, hosted, nothing_written, changes, field):
    data = {**factories.organisation_sign_form(), **changes}

    response = client.post(sign_url(hosted), data)

    assert_refused(response, field)


def test_a_missing_consent_box_is_refused(client, hosted, nothing_written):
    data = factories.sign_form()
    del data["consent"]

    assert_refused(client.post(sign_url(hosted), data), "consent")


def test_an_organisation_needs_the_name_of_who_signs_for_it_and_the_form_says_why(
    client, hosted, nothing_written
):
    data = factories.organisation_sign_form(contact_name="")

    response = client.post(sign_url(hosted), data)

    assert_refused(response, "contact_name")
    html = response.content.decode()
    assert '<label for="id_contact_name">Your full name <span class="required">(required)' in html
    assert (
        '<a href="#id_contact_name">Your full name: Give your own full name, as the person '
        "signing for the organisation.</a>"
    ) in html
    assert 'aria-describedby="id_contact_name_helptext id_contact_name_error"' in html
    assert 'id="id_contact_name_error"' in html


def test_the_form_is_shown_again_with_what_was_typed(client, hosted, nothing_written):
    data = factories.sign_form(name="=1+1", affiliation="Welsh Society", country="GB")

    html = client.post(sign_url(hosted), data).content.decode()

    assert 'value="Welsh Society"' in html
    assert '<option value="GB" selected>United Kingdom</option>' in html
    assert "cannot start with" in html


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("ß" * 150, id="folds to twice its length"),
        pytest.param("\ufdfa" * 12, id="decomposes to 18 times its length"),
    ],
)
def test_a_name_whose_normalised_form_is_longer_is_still_accepted(client, hosted, name):
    response = client.post(sign_url(hosted), factories.sign_form(name=name))

    assert response.status_code == 302
    assert SignupRequest.objects.get().name == name


# ---------------------------------------------------------------------------
# Honeypot and minimum time to fill the form
# ---------------------------------------------------------------------------


def test_a_filled_honeypot_is_answered_like_a_success_and_writes_nothing(
    client, hosted, nothing_written
):
    genuine = client.post(sign_url(hosted), factories.sign_form(), REMOTE_ADDR=new_ip())
    SignupRequest.objects.all().delete()
    RateLimitHit.objects.all().delete()
    mail.outbox.clear()

    bot = client.post(
        sign_url(hosted), factories.sign_form(homepage="https://spam.example"), REMOTE_ADDR=new_ip()
    )

    assert (bot.status_code, bot["Location"]) == (genuine.status_code, genuine["Location"])
    assert RateLimitHit.objects.count() == 0


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(
    client, settings, hosted, nothing_written
):
    settings.SIGNUP_MIN_SECONDS = 30
    form_page = client.get(sign_url(hosted), {"kind": "individual"})
    started = form_page.context["form"].initial["started"]

    response = client.post(sign_url(hosted), factories.sign_form(started=started))

    assert response.status_code == 400
    assert "quicker than anyone can read the form" in response.content.decode()


def test_a_form_sent_after_the_minimum_time_is_accepted(client, settings, hosted):
    settings.SIGNUP_MIN_SECONDS = 30

    response = client.post(sign_url(hosted), factories.sign_form(started=factories.started(31)))

    assert response.status_code == 302
    assert recorded_requests() == [("hosted-letter", "sign", "Ada Lovelace", "127.0.0.1")]
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]


def forged(value: str = "form", salt: str = "letters.forms.started", key: str | None = None):
    return signing.TimestampSigner(salt=salt, key=key).sign(value)


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("1700000000", id="a bare timestamp"),
        pytest.param("form:1a2b3c:forgedsignature", id="forged signature"),
        pytest.param(lambda: forged(salt="another.salt"), id="signed for another purpose"),
        pytest.param(lambda: forged(key="not-our-secret-key-" * 3), id="signed with another key"),
        pytest.param(lambda: factories.started(seconds_ago=25 * 3600), id="more than a day old"),
    ],
)
def test_a_missing_forged_or_stale_start_time_is_refused(client, hosted, nothing_written, started):
    data = factories.sign_form()
    if started is None:
        del data["started"]
    else:
        data["started"] = started() if callable(started) else started

    response = client.post(sign_url(hosted), data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert "reload the page" in response.content.decode()


# ---------------------------------------------------------------------------
# CSRF and fields that are not on the form
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["sign_letter", "withdraw_signature"])
def test_a_post_without_a_csrf_token_is_forbidden(hosted, nothing_written, url_name):
    client = Client(enforce_csrf_checks=True)
    url = reverse(url_name, args=[hosted.slug])
    client.get(url)  # the cookie alone is not enough

    response = client.post(url, {**factories.sign_form(), **factories.withdraw_form()})

    assert response.status_code == 403


def test_a_post_with_the_forms_csrf_token_is_accepted(hosted):
    client = Client(enforce_csrf_checks=True)
    form_page = client.get(sign_url(hosted), {"kind": "individual"})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.content.decode())

    response = client.post(
        sign_url(hosted), factories.sign_form(csrfmiddlewaretoken=token.group(1))
    )

    assert response.status_code == 302
    assert recorded_requests() == [("hosted-letter", "sign", "Ada Lovelace", "127.0.0.1")]
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]


def test_fields_that_are_not_on_the_form_are_ignored(client, hosted, settings):
    other = factories.LetterFactory(slug="other-letter", accepts_signups=True)
    listed = factories.SignatureFactory(letter=other, status=SignatureStatus.REPORTED)
    data = factories.sign_form(
        status="confirmed",
        letter=other.pk,
        letter_id=other.pk,
        signature=listed.pk,
        confirmed_at="2020-01-01T00:00:00Z",
        expires_at="2999-01-01T00:00:00Z",
        ip_address="10.9.8.7",
        email_key="someone-else@example.org",
        token_hash="0" * 64,
        action="withdraw",
        position="1",
        list_rank="1",
    )

    response = client.post(sign_url(hosted), data, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    request = SignupRequest.objects.get()
    assert (request.letter, request.action, request.ip_address) == (hosted, "sign", "203.0.113.9")
    assert request.email_key == "ada@example.org"
    assert request.confirmed_at is None and request.signature is None
    (link,) = request.links.all()
    assert link.token_hash != "0" * 64
    assert request.expires_at == link.expires_at < timezone.now() + timedelta(days=3)
    path = re.search(r"/signups/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    client.post(path)
    signature = Signature.objects.exclude(pk=listed.pk).get()
    assert (signature.letter, signature.status) == (hosted, SignatureStatus.PENDING)
    listed.refresh_from_db()
    assert (listed.letter, listed.status) == (other, SignatureStatus.REPORTED)
    assert other.signup_requests.count() == 0
    hosted.refresh_from_db()
    assert (hosted.listed_count, hosted.public_count) == (0, 0)


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "x" * 5000,
        "%00",
        "..%2F..%2Fadmin",
        "' OR 1=1 --",
        "ＡＢＣ",
        "\U0001f600",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_confirmation_token_is_not_found(client, hosted, token, method):
    factories.SignupRequestFactory(letter=hosted)
    before = row_counts()

    path = "/signups/confirm/" + urllib.parse.quote(token, safe="%") + "/"
    response = getattr(client, method)(path)

    assert response.status_code == 404
    assert row_counts() == before


def test_the_stored_hash_is_not_a_confirmation_token(client, hosted):
    request = factories.SignupRequestFactory(letter=hosted, token="the-real-token")
    (link,) = request.links.all()

    assert client.post(f"/signups/confirm/{link.token_hash}/").status_code == 404
    assert link.token_hash == hash_token("the-real-token")
    assert client.get("/signups/confirm/the-real-token/").status_code == 200


# ---------------------------------------------------------------------------
# Bad input on the withdrawal form
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "ada\x00@example.org"}, "email"),
        ({"reason": "More at https://spam.example"}, "reason"),
        ({"reason": "Because \u202eevil"}, "reason"),
        ({"reason": "Because\x00"}, "reason"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_bad_withdrawals_are_refused(client, hosted, nothing_written, changes, field):
    data = factories.withdraw_form(**changes)

    response = client.post(withdraw_url(hosted), data)

    assert_refused(response, field)


def test_a_reason_over_several_lines_is_accepted(client, hosted):
    reason = "I signed in haste.\r\nI no longer agree with the second ask."

    response = client.post(withdraw_url(hosted), factories.withdraw_form(reason=reason))

    assert response.status_code == 302
    assert SignupRequest.objects.get().reason == reason


def test_a_withdrawal_honeypot_writes_nothing(client, hosted, nothing_written):
    data = factories.withdraw_form(homepage="x")

    response = client.post(withdraw_url(hosted), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent", args=[hosted.slug])


# ---------------------------------------------------------------------------
# Rate limits: one in 60 s and five in 5 minutes, per IP and letter
# ---------------------------------------------------------------------------


def sign(client, letter, n: int, **headers):
    """The n-th distinct requester; the rate limit is about the address, not the person."""
    data = factories.sign_form(name=f"Person {n}", email=f"person{n}@example.org")
    headers.setdefault("REMOTE_ADDR", "203.0.113.50")
    return client.post(sign_url(letter), data, **headers)


def age_hits(seconds: float) -> None:
    """Move every recorded hit `seconds` into the past: time passing, as the limit sees it."""
    for hit in RateLimitHit.objects.all():
        RateLimitHit.objects.filter(pk=hit.pk).update(
            created_at=hit.created_at - timedelta(seconds=seconds)
        )


def test_a_second_submission_within_a_minute_is_refused(client, hosted):
    assert sign(client, hosted, 1).status_code == 302

    response = sign(client, hosted, 2)

    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert list(SignupRequest.objects.values_list("name", flat=True)) == ["Person 1"]
    assert len(mail.outbox) == 1


def test_a_minute_later_the_next_submission_is_accepted(client, hosted):
    sign(client, hosted, 1)
    age_hits(59)
    assert sign(client, hosted, 2).status_code == 429

    age_hits(2)

    assert sign(client, hosted, 3).status_code == 302
    assert SignupRequest.objects.count() == 2


@pytest.mark.parametrize(("earlier", "status"), [(4, 302), (5, 429)])
def test_five_submissions_in_five_minutes_are_the_most(client, hosted, earlier, status):
    """`earlier` submissions in the last five minutes, none in the last minute."""
    sign(client, hosted, 0)
    hit = RateLimitHit.objects.get(key__endswith=":203.0.113.50")
    RateLimitHit.objects.filter(pk=hit.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    RateLimitHit.objects.bulk_create(
        RateLimitHit(key=hit.key, created_at=timezone.now() - timedelta(seconds=62 + 50 * n))
        for n in range(earlier - 1)
    )
    # Hits older than five minutes no longer count.
    RateLimitHit.objects.create(key=hit.key, created_at=timezone.now() - timedelta(seconds=301))

    response = sign(client, hosted, 1)

    assert response.status_code == status
    assert SignupRequest.objects.filter(name="Person 1").exists() == (status == 302)


def test_another_address_is_not_limited(client, hosted):
    sign(client, hosted, 1, REMOTE_ADDR="203.0.113.50")

    assert sign(client, hosted, 2, REMOTE_ADDR="203.0.113.51").status_code == 302
    assert recorded_requests() == [
        ("hosted-letter", "sign", "Person 1", "203.0.113.50"),
        ("hosted-letter", "sign", "Person 2", "203.0.113.51"),
    ]


def test_another_letter_is_not_limited(client, hosted):
    other = factories.LetterFactory(slug="other-hosted", accepts_signups=True)
    sign(client, hosted, 1)

    assert sign(client, other, 2).status_code == 302
    assert recorded_requests() == [
        ("hosted-letter", "sign", "Person 1", "203.0.113.50"),
        ("other-hosted", "sign", "Person 2", "203.0.113.50"),
    ]


def test_signing_and_withdrawing_are_limited_separately(client, hosted):
    sign(client, hosted, 1)

    response = client.post(
        withdraw_url(hosted), factories.withdraw_form(), REMOTE_ADDR="203.0.113.50"
    )

    assert response.status_code == 302
    assert recorded_requests() == [
        ("hosted-letter", "sign", "Person 1", "203.0.113.50"),
        ("hosted-letter", "withdraw", "ada@example.org", "203.0.113.50"),
    ]


def test_behind_a_trusted_proxy_the_limit_follows_the_forwarded_address(client, hosted, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = sign(client, hosted, 1, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other_client = sign(client, hosted, 2, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    # Whatever the client wrote further left, the proxy appended its real address.
    same_client = sign(client, hosted, 3, **proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")

    assert [first.status_code, other_client.status_code, same_client.status_code] == [
        302,
        302,
        429,
    ]
    assert set(SignupRequest.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.7",
        "203.0.113.8",
    }


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_dodge_the_limit(
    client, hosted, settings
):
    settings.TRUSTED_PROXY_HEADER = ""
    settings.TRUSTED_PROXY_COUNT = 0
    sign(client, hosted, 1, HTTP_X_FORWARDED_FOR="192.0.2.1")

    response = sign(client, hosted, 2, HTTP_X_FORWARDED_FOR="192.0.2.2")

    assert response.status_code == 429
    assert list(SignupRequest.objects.values_list("ip_address", flat=True)) == ["203.0.113.50"]


# ---------------------------------------------------------------------------
# A flood of sign-ups leaves the public page cache alone
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["sign", "withdraw", "correction"])
def test_submissions_that_are_not_yet_public_keep_the_page_cache(
    client, hosted, django_capture_on_commit_callbacks, form
):
    from letters import page_scopes
    from letters.page_cache import versions

    scopes = [page_scopes.letter(hosted.slug), page_scopes.INDEXES]

    url, data, another = {
        "sign": (sign_url(hosted), factories.sign_form(), factories.sign_form(name="Ann Bee")),
        "withdraw": (
            withdraw_url(hosted),
            factories.withdraw_form(),
            factories.withdraw_form(email="ann@example.net"),
        ),
        "correction": (
            reverse("report_correction", args=[hosted.slug]),
            factories.correction_form(),
            factories.correction_form(),
        ),
    }[form]
    before = versions(scopes)

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, data, REMOTE_ADDR="203.0.113.60")
        limited = client.post(url, another, REMOTE_ADDR="203.0.113.60")

    assert (accepted.status_code, limited.status_code) == (302, 429)
    assert versions(scopes) == before


# ---------------------------------------------------------------------------
# A real burst: 50 parallel submissions over HTTP from one address
# ---------------------------------------------------------------------------

BURST = 50


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 302 is the answer we count, not a page to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def _form_fields(opener, url: str) -> dict[str, str]:
    with opener.open(url, timeout=60) as response:
        html = response.read().decode()
    fields = {}
    for name in ("csrfmiddlewaretoken", "started"):
        fields[name] = re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
    return fields


def _burst(url: str) -> list[int | str]:
    """Every client loads the form, all wait out the minimum fill time, then post at once."""
    statuses: list[int | str] = [0] * BURST
    ready = threading.Barrier(BURST)

    def client(n: int) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects)
        try:
            fields = _form_fields(opener, url + "?kind=individual")
            ready.wait(timeout=60)
            time.sleep(1.2)  # SIGNUP_MIN_SECONDS = 1, counted in whole seconds
            ready.wait(timeout=60)
            data = factories.sign_form(name=f"Burst {n}", email=f"burst{n}@example.org", **fields)
            request = urllib.request.Request(
                url, data=urllib.parse.urlencode(data).encode(), method="POST"
            )
            with opener.open(request, timeout=60) as response:
                statuses[n] = response.status
        except urllib.error.HTTPError as error:
            statuses[n] = error.code
        except Exception as error:  # reported in the assertion below
            statuses[n] = f"{type(error).__name__}: {error}"

    threads = [threading.Thread(target=client, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's test database is in memory with a shared cache: the live server's "
    "request threads get table locks that fail at once ('database table is locked') instead "
    "of waiting, so parallel requests cannot be served here. bench/signup_load.py runs this "
    "burst against gunicorn workers on a file database.",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_submissions_from_one_address_let_exactly_one_through(live_server, settings):
    settings.SIGNUP_MIN_SECONDS = 1
    # Django's live server queues 10 connections; fifty at once would be reset by the
    # kernel before reaching it. Listening again widens the queue (gunicorn's is 2048).
    live_server.thread.httpd.socket.listen(2 * BURST)
    letter = factories.LetterFactory(slug="burst-letter", accepts_signups=True)

    statuses = _burst(live_server.url + sign_url(letter))

    assert Counter(statuses) == {302: 1, 429: BURST - 1}
    assert SignupRequest.objects.count() == 1
    # One hit for the address and one for the email domain: refused requests count none.
    keys = sorted(RateLimitHit.objects.values_list("key", flat=True))
    assert keys == [f"sign:{letter.pk}:127.0.0.1", f"sign:{letter.pk}:@example.org"]
