"""A double click gets the thanks page, not a 429; asking again never voids the link
already emailed; sign-ups are limited per email domain as well as per address; and the
admin shows which domains and addresses are trending on a letter (issue 13, section 4)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from letters.models import RateLimitHit, SignupLink, SignupRequest
from letters.signing import ratelimit
from letters.signing.services import REPEAT_WINDOW
from tests import factories
from tests.signing.helpers import new_ip

TRENDING = reverse("admin:letters_signuprequest_trending")


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.SIGNUP_MIN_SECONDS = 0


def post_sign(client, letter, data, ip):
    return client.post(reverse("sign_letter", args=[letter.slug]), data, REMOTE_ADDR=ip)


def links_in_outbox() -> list[str]:
    return [
        re.search(r"https?://[^/\s]+(/signups/confirm/[^/\s]+/)", m.body).group(1)
        for m in mail.outbox
    ]


def thanks(letter) -> tuple[int, str]:
    return 302, reverse("signup_sent", args=[letter.slug])


def answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


# ---------------------------------------------------------------------------
# The same request again
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["sign", "withdraw"])
def test_a_double_click_gets_the_same_thanks_page_and_one_email(client, hosted, action):
    url = reverse("sign_letter" if action == "sign" else "withdraw_signature", args=[hosted.slug])
    data = factories.sign_form() if action == "sign" else factories.withdraw_form()

    first = client.post(url, data, REMOTE_ADDR="203.0.113.80")
    second = client.post(url, data, REMOTE_ADDR="203.0.113.80")

    assert answer(first) == answer(second) == thanks(hosted)
    assert len(mail.outbox) == 1
    (request,) = SignupRequest.objects.all()
    assert request.links.count() == 1
    assert RateLimitHit.objects.count() == 2  # one per address, one per domain: not two each
    assert client.post(links_in_outbox()[0]).status_code == 200


def test_the_same_email_twice_quickly_in_another_form_is_one_request(client, hosted):
    post_sign(client, hosted, factories.sign_form(), "203.0.113.81")

    again = post_sign(
        client,
        hosted,
        factories.sign_form(name="ADA  LOVELACE", email="Ada@Example.org"),
        "203.0.113.81",
    )

    assert answer(again) == thanks(hosted)
    assert SignupRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_asking_again_after_a_while_sends_a_fresh_link_and_the_first_still_works(client, hosted):
    post_sign(client, hosted, factories.sign_form(), "203.0.113.82")
    SignupLink.objects.update(created_at=timezone.now() - REPEAT_WINDOW - timedelta(seconds=1))
    RateLimitHit.objects.update(created_at=timezone.now() - timedelta(minutes=6))

    again = post_sign(client, hosted, factories.sign_form(), "203.0.113.82")

    assert answer(again) == thanks(hosted)
    first, second = links_in_outbox()
    assert first != second
    assert SignupRequest.objects.get().links.count() == 2
    assert client.get(first).status_code == 200
    assert client.post(first).status_code == 200
    assert client.post(second).status_code == 200
    assert SignupRequest.objects.get().confirmed_at is not None


def test_the_same_request_from_another_address_sends_a_fresh_link(client, hosted):
    post_sign(client, hosted, factories.sign_form(), "203.0.113.83")

    post_sign(client, hosted, factories.sign_form(), "203.0.113.84")
    double_click = post_sign(client, hosted, factories.sign_form(), "203.0.113.84")

    assert answer(double_click) == thanks(hosted)
    assert len(links_in_outbox()) == 2
    request = SignupRequest.objects.get()
    assert request.ip_address == "203.0.113.83"  # who first asked, for the moderators
    assert list(request.links.order_by("created_at").values_list("ip_address", flat=True)) == [
        "203.0.113.83",
        "203.0.113.84",
    ]


def test_a_repeat_does_not_dodge_the_limit_once_the_first_link_expired(client, hosted):
    post_sign(client, hosted, factories.sign_form(), "203.0.113.85")
    SignupLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    again = post_sign(client, hosted, factories.sign_form(), "203.0.113.85")

    assert again.status_code == 429


def test_a_confirmed_signer_cannot_be_told_apart_by_the_limit(client, hosted):
    """Nobody learns who signed by probing: once an address is limited, a request of
    someone who already confirmed is refused like any other."""
    post_sign(client, hosted, factories.sign_form(), new_ip())
    client.post(links_in_outbox()[0])
    attacker = "203.0.113.86"
    post_sign(client, hosted, factories.sign_form(name="Eve", email="eve@example.net"), attacker)

    probe_signed = post_sign(client, hosted, factories.sign_form(), attacker)
    probe_unknown = post_sign(
        client, hosted, factories.sign_form(name="Nobody", email="no@example.net"), attacker
    )

    assert probe_signed.status_code == probe_unknown.status_code == 429


# ---------------------------------------------------------------------------
# Per email domain
# ---------------------------------------------------------------------------

DOMAIN_BURST = ratelimit.EMAIL_DOMAIN_LIMITS[0][0]


def test_a_flood_from_one_domain_across_many_addresses_stops_at_the_domain_limit(client, hosted):
    answers = [
        post_sign(
            client,
            hosted,
            factories.sign_form(name=f"Bot {n}", email=f"bot{n}@flood.example"),
            new_ip(),
        ).status_code
        for n in range(DOMAIN_BURST + 5)
    ]

    assert answers == [302] * DOMAIN_BURST + [429] * 5
    assert SignupRequest.objects.count() == DOMAIN_BURST
    assert len(mail.outbox) == DOMAIN_BURST
    assert (
        b"from the email addresses of one domain"
        in post_sign(
            client, hosted, factories.sign_form(name="Bot X", email="x@flood.example"), new_ip()
        ).content
    )
    # Other domains, and the same domain on another letter, are not held up.
    ok = post_sign(client, hosted, factories.sign_form(email="ann@fine.example"), new_ip())
    other = factories.LetterFactory(slug="other-hosted", accepts_signups=True)
    elsewhere = post_sign(client, other, factories.sign_form(email="b@flood.example"), new_ip())
    assert (ok.status_code, elsewhere.status_code) == (302, 302)


def test_the_domain_limit_counts_sub_addresses_and_case_as_one_domain(client, hosted):
    for n in range(DOMAIN_BURST):
        post_sign(
            client,
            hosted,
            factories.sign_form(name=f"Bot {n}", email=f"Bot{n}+x@FLOOD.example"),
            new_ip(),
        )

    refused = post_sign(
        client, hosted, factories.sign_form(name="Bot Z", email="z@flood.EXAMPLE"), new_ip()
    )

    assert refused.status_code == 429


def test_a_big_mail_provider_has_far_more_room(client, hosted):
    answers = {
        post_sign(
            client,
            hosted,
            factories.sign_form(name=f"Person {n}", email=f"person{n}@gmail.com"),
            new_ip(),
        ).status_code
        for n in range(DOMAIN_BURST + 5)
    }

    assert answers == {302}


def test_the_day_limit_holds_after_the_ten_minute_window(client, hosted):
    per_day = ratelimit.EMAIL_DOMAIN_LIMITS[1][0]
    key = f"sign:{hosted.pk}:@flood.example"
    long_ago = timezone.now() - timedelta(hours=2)
    RateLimitHit.objects.bulk_create(
        RateLimitHit(key=key, created_at=long_ago) for _ in range(per_day)
    )

    refused = post_sign(client, hosted, factories.sign_form(email="a@flood.example"), new_ip())

    assert refused.status_code == 429


def test_a_refused_request_leaves_no_hit_for_its_address(client, hosted):
    for n in range(DOMAIN_BURST):
        post_sign(
            client,
            hosted,
            factories.sign_form(name=f"B {n}", email=f"b{n}@flood.example"),
            new_ip(),
        )
    ip = new_ip()

    post_sign(client, hosted, factories.sign_form(name="Refused", email="r@flood.example"), ip)

    assert not RateLimitHit.objects.filter(key__endswith=f":{ip}").exists()
    # So the same address may sign at once with a legitimate address.
    assert (
        post_sign(client, hosted, factories.sign_form(email="me@fine.example"), ip).status_code
        == 302
    )


def test_limits_are_described_in_words():
    assert ratelimit.describe(((1, 60), (5, 300))) == "1 a minute and 5 in 5 minutes"
    assert ratelimit.describe(((10, 600), (30, 86_400))) == "10 in 10 minutes and 30 a day"


# ---------------------------------------------------------------------------
# What is trending on a letter, for moderators
# ---------------------------------------------------------------------------


@pytest.fixture
def flood(hosted):
    """Requests from one domain across many addresses, from one address, and a few others."""
    for n in range(8):
        factories.SignupRequestFactory(
            letter=hosted, email=f"bot{n}@flood.example", ip_address=f"198.51.100.{n + 1}"
        )
    for n in range(3):
        factories.SignupRequestFactory(
            letter=hosted, email=f"p{n}@other.example", ip_address="203.0.113.99"
        )
    old = factories.SignupRequestFactory(letter=hosted, email="old@flood.example")
    SignupRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    elsewhere = factories.LetterFactory(slug="quiet-letter", accepts_signups=True)
    factories.SignupRequestFactory(letter=elsewhere, email="q@flood.example")
    return hosted


def test_moderators_see_the_domains_and_addresses_trending_on_a_letter(curator_client, flood):
    response = curator_client.get(TRENDING, {"letter": flood.pk, "hours": 24})

    assert response.status_code == 200
    domains = [(t.origin, t.requests) for t in response.context["domains"]]
    assert domains == [("flood.example", 8), ("other.example", 3)]
    addresses = response.context["addresses"]
    assert (addresses[0].origin, addresses[0].requests) == ("203.0.113.99", 3)
    assert [a.requests for a in addresses[1:]] == [1] * 8
    activity = [(row.letter.slug, row.requests) for row in response.context["activity"]]
    assert activity == [(flood.slug, 11), ("quiet-letter", 1)]
    html = response.content.decode()
    assert "flood.example" in html
    assert "10 in 10 minutes and 30 a day" in html


def test_a_longer_window_counts_older_requests(curator_client, flood):
    response = curator_client.get(TRENDING, {"letter": flood.pk, "hours": 168})

    assert response.context["domains"][0].requests == 9


def test_the_trending_page_says_what_became_of_the_requests(client, curator_client, hosted):
    for n in range(3):
        post_sign(
            client,
            hosted,
            factories.sign_form(name=f"B {n}", email=f"b{n}@flood.example"),
            new_ip(),
        )
    for path in links_in_outbox()[:2]:
        client.post(path)

    (trend,) = curator_client.get(TRENDING, {"letter": hosted.pk}).context["domains"]

    assert (trend.requests, trend.last_hour, trend.unconfirmed, trend.pending) == (3, 3, 1, 2)
    assert (trend.public, trend.rejected) == (0, 0)


def test_the_signature_list_links_to_the_trending_page(curator_client, db):
    html = curator_client.get(reverse("admin:letters_signature_changelist")).content.decode()

    assert f'href="{TRENDING}"' in html


def test_the_trending_page_is_for_moderators_only(client, db, django_user_model, flood):
    assert client.get(TRENDING).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(TRENDING, {"letter": flood.pk}).status_code == 403


@pytest.mark.parametrize("params", [{"letter": "abc"}, {"hours": "5"}, {"letter": "999999"}])
def test_bad_trending_parameters_show_the_form_again(curator_client, flood, params):
    response = curator_client.get(TRENDING, params)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "domains" not in response.context
