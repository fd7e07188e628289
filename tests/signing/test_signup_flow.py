"""Signing a hosted letter, end to end: submit, confirm by email, moderate, withdraw.

Nothing a visitor sends is public or counted until a curator approves it, and every
submission gets the same answer, new or duplicate, so nobody learns who has signed.
"""

import re
import unicodedata
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from letters.lib.partial_dates import format_partial_date
from letters.models import (
    CorrectionRequest,
    Letter,
    Organisation,
    Person,
    Signature,
    SignatureStatus,
    SignupAction,
    SignupLink,
    SignupRequest,
)
from tests import factories
from tests.signing.helpers import new_ip, row_counts

CHANGELIST = reverse("admin:letters_signature_changelist")


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.SIGNUP_MIN_SECONDS = 0


def post_sign(client, letter, data, ip=None):
    return client.post(reverse("sign_letter", args=[letter.slug]), data, REMOTE_ADDR=ip or new_ip())


def post_withdraw(client, letter, data, ip=None):
    return client.post(
        reverse("withdraw_signature", args=[letter.slug]), data, REMOTE_ADDR=ip or new_ip()
    )


def confirm_path(message) -> str:
    """The confirmation link of an email, as a path on this site."""
    match = re.search(r"https?://[^/\s]+(/signups/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def counts(letter: Letter) -> tuple[int, int]:
    letter.refresh_from_db(fields=["listed_count", "public_count"])
    return letter.listed_count, letter.public_count


def sign_and_confirm(client, letter, data) -> Signature:
    mail.outbox.clear()
    assert post_sign(client, letter, data).status_code == 302
    (message,) = mail.outbox
    assert client.post(confirm_path(message)).status_code == 200
    return Signature.objects.get(signup_requests__email_key=data["email"].lower())


def approve(curator_client, *signatures):
    data = {"action": "mark_confirmed", "_selected_action": [s.pk for s in signatures]}
    response = curator_client.post(CHANGELIST, data, follow=True)
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Submit → email → confirm → moderate → public
# ---------------------------------------------------------------------------


def test_the_sign_form_carries_a_csrf_token_and_a_signed_start_time(client, hosted):
    response = client.get(reverse("sign_letter", args=[hosted.slug]), {"kind": "individual"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="started"' in html
    assert 'name="homepage"' in html
    assert "no-cache" in response["Cache-Control"]


def test_a_submission_sends_a_link_and_writes_only_the_request(client, hosted):
    form_page = client.get(reverse("sign_letter", args=[hosted.slug]), {"kind": "individual"})
    data = factories.sign_form(started=form_page.context["form"].initial["started"])

    response = post_sign(client, hosted, data, ip="203.0.113.5")

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent", args=[hosted.slug])
    assert client.get(response["Location"]).status_code == 200
    request = SignupRequest.objects.get()
    assert (request.letter, request.name, request.ip_address) == (
        hosted,
        "Ada Lovelace",
        "203.0.113.5",
    )
    assert request.confirmed_at is None
    (link,) = request.links.all()
    assert len(link.token_hash) == 64 and link.expires_at == request.expires_at
    assert Signature.objects.count() == 0
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert hosted.title in message.subject
    assert confirm_path(message)


def test_the_emailed_link_shows_a_button_and_changes_nothing(client, hosted):
    post_sign(client, hosted, factories.sign_form())
    path = confirm_path(mail.outbox[0])

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post">' in html
    assert "<button" in html
    assert "Ada Lovelace" in html
    assert SignupRequest.objects.get().confirmed_at is None
    assert Signature.objects.count() == 0


def test_confirming_makes_a_pending_signature_that_is_neither_public_nor_counted(client, hosted):
    post_sign(client, hosted, factories.sign_form())

    response = client.post(confirm_path(mail.outbox[0]))

    assert response.status_code == 200
    assert "confirmed" in response.content.decode()
    signature = Signature.objects.get()
    assert signature.letter == hosted
    assert signature.status == SignatureStatus.PENDING
    assert signature.published_name == "Ada Lovelace"
    assert signature.role == "Analytical Engine Society"
    assert signature.person.name == "Ada Lovelace"
    request = SignupRequest.objects.get()
    assert request.confirmed_at is not None
    assert request.signature == signature
    assert counts(hosted) == (0, 0)
    assert "Ada Lovelace" not in client.get(hosted.get_absolute_url()).content.decode()
    # A signer known only from a pending sign-up has no public page.
    assert client.get(signature.person.get_absolute_url()).status_code == 404


def test_an_approved_signature_is_public_and_counted(client, curator_client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())

    approve(curator_client, signature)

    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert counts(hosted) == (1, 1)
    page = client.get(hosted.get_absolute_url())
    assert "Ada Lovelace" in page.content.decode()
    assert [int(row["id"]) for row in page.context["page"]] == [signature.pk]
    assert client.get(signature.person.get_absolute_url()).status_code == 200


def test_a_rejected_signature_never_appears(client, curator_client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    data = {"action": "mark_rejected", "_selected_action": [signature.pk]}

    curator_client.post(CHANGELIST, data)

    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
    assert counts(hosted) == (0, 0)
    assert "Ada Lovelace" not in client.get(hosted.get_absolute_url()).content.decode()


def test_the_moderation_queue_lists_pending_sign_ups_with_where_they_came_from(
    client, curator_client, hosted
):
    sign_and_confirm(client, hosted, factories.sign_form(email="ada@lovelace.example"))

    response = curator_client.get(CHANGELIST, {"status__exact": "pending"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert "@lovelace.example" in html


def test_an_organisation_signs_under_its_name_with_the_signers_role(client, hosted):
    signature = sign_and_confirm(client, hosted, factories.organisation_sign_form())

    assert signature.organisation.name == "Open Rights Group"
    assert signature.organisation.website == "https://www.openrightsgroup.org/"
    assert signature.person is None
    assert signature.role == "Executive Director"
    assert signature.status == SignatureStatus.PENDING


# ---------------------------------------------------------------------------
# Confirmation links: expiry, twice, unknown
# ---------------------------------------------------------------------------


def expire_links(ago: timedelta = timedelta(seconds=1)) -> None:
    SignupLink.objects.update(expires_at=timezone.now() - ago)
    SignupRequest.objects.update(expires_at=timezone.now() - ago)


def test_an_expired_link_is_gone_and_writes_nothing(client, hosted):
    post_sign(client, hosted, factories.sign_form())
    path = confirm_path(mail.outbox[0])
    expire_links()
    before = row_counts()

    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410

    assert row_counts() == before
    assert SignupRequest.objects.get().confirmed_at is None


def test_an_expired_request_sent_again_gets_a_fresh_link_on_the_same_row(client, hosted):
    post_sign(client, hosted, factories.sign_form())
    expire_links()

    post_sign(client, hosted, factories.sign_form())

    assert SignupRequest.objects.count() == 1
    assert client.post(confirm_path(mail.outbox[-1])).status_code == 200
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_confirming_twice_is_harmless(client, hosted):
    post_sign(client, hosted, factories.sign_form())
    path = confirm_path(mail.outbox[0])
    client.post(path)
    confirmed_at = SignupRequest.objects.get().confirmed_at

    again = client.post(path)

    assert again.status_code == 200
    assert client.get(path).status_code == 200
    assert Signature.objects.count() == 1
    assert SignupRequest.objects.get().confirmed_at == confirmed_at


def test_a_confirmed_link_still_answers_after_its_expiry_time(client, hosted):
    post_sign(client, hosted, factories.sign_form())
    path = confirm_path(mail.outbox[0])
    client.post(path)
    expire_links(timedelta(days=1))

    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "closing", [{"accepts_signups": False}, {"visibility": "draft"}], ids=["closed", "unpublished"]
)
def test_a_letter_closed_since_the_email_was_sent_takes_no_confirmation(client, hosted, closing):
    post_sign(client, hosted, factories.sign_form())
    path = confirm_path(mail.outbox[0])
    Letter.objects.filter(pk=hosted.pk).update(**closing)
    before = row_counts()

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404

    assert row_counts() == before
    assert SignupRequest.objects.get().confirmed_at is None


def test_a_withdrawal_is_honoured_after_sign_ups_close(client, curator_client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    approve(curator_client, signature)
    mail.outbox.clear()
    post_withdraw(client, hosted, factories.withdraw_form())
    Letter.objects.filter(pk=hosted.pk).update(accepts_signups=False)

    assert client.post(confirm_path(mail.outbox[0])).status_code == 200

    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN


# ---------------------------------------------------------------------------
# Letters that take no sign-ups
# ---------------------------------------------------------------------------


@pytest.fixture(params=["nspcc", "tracked", "draft"])
def closed_letter(request, db) -> Letter:
    """The debate's NSPCC letter, a published letter we only track, and a hosted draft."""
    if request.param == "nspcc":
        return request.getfixturevalue("nspcc_letter")
    if request.param == "tracked":
        return factories.LetterFactory(slug="only-tracked", accepts_signups=False)
    return factories.LetterFactory(slug="hosted-draft", accepts_signups=True, visibility="draft")


@pytest.mark.parametrize("url_name", ["sign_letter", "withdraw_signature", "signup_sent"])
def test_letters_that_take_no_sign_ups_answer_404_and_write_nothing(
    client, closed_letter, url_name
):
    url = reverse(url_name, args=[closed_letter.slug])
    data = {**factories.sign_form(), **factories.withdraw_form()}
    before = row_counts()

    assert client.get(url).status_code == 404
    if url_name != "signup_sent":
        assert client.post(url, data).status_code == 404

    assert row_counts() == before
    assert mail.outbox == []


def test_the_demo_hosted_letter_accepts_sign_ups(client, demo_data):
    letter = Letter.objects.get(slug="demo-hosted-letter")

    assert client.get(reverse("sign_letter", args=[letter.slug])).status_code == 200
    assert post_sign(client, letter, factories.sign_form()).status_code == 302
    assert SignupRequest.objects.get().letter == letter


# ---------------------------------------------------------------------------
# Withdrawal
# ---------------------------------------------------------------------------


def test_a_signatory_withdraws_and_stays_listed_as_withdrawn(client, curator_client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    approve(curator_client, signature)
    assert counts(hosted) == (1, 1)
    mail.outbox.clear()

    response = post_withdraw(
        client,
        hosted,
        factories.withdraw_form(email="Ada+letters@Example.org", reason="I changed my mind."),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent", args=[hosted.slug])
    (message,) = mail.outbox
    assert message.to == ["Ada+letters@Example.org"]
    path = confirm_path(message)
    assert client.get(path).status_code == 200
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED  # nothing changes before the POST

    assert client.post(path).status_code == 200

    signature.refresh_from_db()
    today = timezone.localdate()
    assert signature.status == SignatureStatus.WITHDRAWN
    assert signature.withdrawn_on == today.isoformat()
    assert signature.withdrawal_reason == "I changed my mind."
    assert counts(hosted) == (0, 1)
    withdrawal = SignupRequest.objects.get(action=SignupAction.WITHDRAW)
    assert withdrawal.signature == signature
    html = client.get(hosted.get_absolute_url()).content.decode()
    assert "Ada Lovelace" in html
    assert f"withdrawn on {format_partial_date(today.isoformat())}" in html


def test_a_withdrawal_without_a_reason_says_the_signatory_withdrew(client, curator_client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    approve(curator_client, signature)
    mail.outbox.clear()
    post_withdraw(client, hosted, factories.withdraw_form())

    client.post(confirm_path(mail.outbox[0]))

    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN
    assert signature.withdrawal_reason


def test_withdrawing_before_approval_rejects_the_pending_signature(client, hosted):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    mail.outbox.clear()
    post_withdraw(client, hosted, factories.withdraw_form())

    client.post(confirm_path(mail.outbox[0]))

    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
    assert counts(hosted) == (0, 0)


def test_a_withdrawal_from_an_address_that_never_signed_changes_nothing(
    client, curator_client, hosted
):
    signature = sign_and_confirm(client, hosted, factories.sign_form())
    approve(curator_client, signature)
    mail.outbox.clear()
    real = post_withdraw(client, hosted, factories.withdraw_form())
    SignupRequest.objects.filter(action=SignupAction.WITHDRAW).delete()
    mail.outbox.clear()

    stranger = post_withdraw(client, hosted, factories.withdraw_form(email="eve@example.net"))

    assert (stranger.status_code, stranger["Location"]) == (real.status_code, real["Location"])
    (message,) = mail.outbox
    assert message.to == ["eve@example.net"]
    assert client.post(confirm_path(message)).status_code == 200
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert SignupRequest.objects.get(action=SignupAction.WITHDRAW).signature is None
    assert counts(hosted) == (1, 1)


# ---------------------------------------------------------------------------
# Duplicates: one row per mailbox and name, one signature per signer, one answer
# ---------------------------------------------------------------------------


def nfd(text: str) -> str:
    """The same text with its accents as separate combining characters."""
    return unicodedata.normalize("NFD", text)


ORGANISATION_VARIANTS = [
    {"name": "Fundación Café Libre", "email": "A.B+x@Example.com"},
    {"name": "fundación café libre", "email": "a.b@example.com"},
    {"name": "  FUNDACIÓN   CAFÉ  LIBRE ", "email": "A.B@EXAMPLE.COM"},
    {"name": "Fundacion Cafe Libre", "email": "a.b+newsletter@example.com"},
    {"name": nfd("Fundación Café Libre"), "email": "a.b+y@example.com"},
    {"name": "Ｆｕｎｄａｃｉóｎ Café Libre", "email": "a.b@example.com"},
]


def test_the_same_organisation_asking_again_and_again_makes_one_request(client, hosted):
    assert (
        unicodedata.normalize("NFC", ORGANISATION_VARIANTS[4]["name"])
        != (ORGANISATION_VARIANTS[4]["name"])
    )
    answers = set()

    for variant in ORGANISATION_VARIANTS:
        response = post_sign(client, hosted, factories.organisation_sign_form(**variant))
        answers.add((response.status_code, response["Location"]))

    assert answers == {(302, reverse("signup_sent", args=[hosted.slug]))}
    assert SignupRequest.objects.count() == 1
    assert len(mail.outbox) == len(ORGANISATION_VARIANTS)  # the same requester's lost email
    client.post(confirm_path(mail.outbox[-1]))
    assert Signature.objects.count() == 1
    assert Organisation.objects.count() == 1


def test_asking_again_after_confirming_sends_nothing_and_answers_the_same(client, hosted):
    first = post_sign(client, hosted, factories.organisation_sign_form(**ORGANISATION_VARIANTS[0]))
    client.post(confirm_path(mail.outbox[0]))
    mail.outbox.clear()

    for variant in ORGANISATION_VARIANTS[1:]:
        again = post_sign(client, hosted, factories.organisation_sign_form(**variant))
        assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])

    assert mail.outbox == []
    assert SignupRequest.objects.count() == 1
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("confirmed_with", ["first", "second"])
def test_an_earlier_link_keeps_working_once_a_fresh_one_is_sent(client, hosted, confirmed_with):
    post_sign(client, hosted, factories.sign_form())
    post_sign(client, hosted, factories.sign_form(email="ADA@example.org"))
    links = dict(zip(["first", "second"], (confirm_path(m) for m in mail.outbox), strict=True))
    other = links["second" if confirmed_with == "first" else "first"]

    assert client.get(links[confirmed_with]).status_code == 200
    assert client.post(links[confirmed_with]).status_code == 200
    assert client.post(other).status_code == 200  # answers "confirmed", does nothing more
    assert Signature.objects.count() == 1
    assert SignupRequest.objects.get().links.count() == 2


def test_a_person_in_nfc_and_nfd_forms_is_one_request_and_one_signature(client, hosted):
    post_sign(client, hosted, factories.sign_form(name="Zoë Brontë", email="zoe@example.org"))
    post_sign(
        client, hosted, factories.sign_form(name=nfd("Zoë Brontë"), email="Zoe+x@example.org")
    )

    assert SignupRequest.objects.count() == 1
    client.post(confirm_path(mail.outbox[-1]))
    assert Signature.objects.get().person.name == "Zoë Brontë"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ada@exämple.org", nfd("ada@exämple.org")),
        ("kate@example.org", "\u212aate@example.org"),  # the Kelvin sign, which folds to k
        ("ada.lovelace@gmail.com", "AdaLovelace+letters@googlemail.com"),
    ],
    ids=["nfc and nfd domain", "kelvin sign", "gmail dots and domains"],
)
def test_unicode_and_provider_variants_of_an_address_are_one_mailbox(client, hosted, first, second):
    post_sign(client, hosted, factories.sign_form(email=first))
    post_sign(client, hosted, factories.sign_form(email=second))

    assert SignupRequest.objects.count() == 1


def test_two_mailboxes_for_one_organisation_make_one_signature(client, hosted):
    post_sign(
        client, hosted, factories.organisation_sign_form(email="director@openrightsgroup.org")
    )
    post_sign(
        client,
        hosted,
        factories.organisation_sign_form(
            name="OPEN RIGHTS  GROUP", email="press@openrightsgroup.org"
        ),
    )
    assert SignupRequest.objects.count() == 2

    for message in mail.outbox:
        assert client.post(confirm_path(message)).status_code == 200

    signature = Signature.objects.get()
    assert Organisation.objects.count() == 1
    # The second made nothing, so its mailbox cannot withdraw the first one's signature.
    assert list(SignupRequest.objects.order_by("pk").values_list("signature", flat=True)) == [
        signature.pk,
        None,
    ]


def test_one_mailbox_may_sign_for_two_organisations(client, hosted):
    for name in ("First Charity", "Second Charity"):
        website = f"https://{name.split()[0].lower()}.example/"
        post_sign(client, hosted, factories.organisation_sign_form(name=name, website=website))

    for message in mail.outbox:
        client.post(confirm_path(message))

    assert sorted(Signature.objects.values_list("published_name", flat=True)) == [
        "First Charity",
        "Second Charity",
    ]


# ---------------------------------------------------------------------------
# Matching to the records we already have
# ---------------------------------------------------------------------------


def test_an_organisation_is_matched_by_its_alias(client, hosted, five_rights):
    five_rights.website = "https://5rightsfoundation.com/"
    five_rights.save()
    signature = sign_and_confirm(
        client,
        hosted,
        factories.organisation_sign_form(
            name="5 RIGHTS", website="", email="office@5rightsfoundation.com"
        ),
    )

    assert signature.organisation == five_rights
    assert signature.published_name == "5 RIGHTS"
    assert signature.verified_domain == "5rightsfoundation.com"
    assert Organisation.objects.count() == 1


def test_an_organisation_is_matched_by_its_website_domain(client, hosted):
    eff = factories.OrganisationFactory(
        name="Electronic Frontier Foundation", website="https://www.eff.org/"
    )

    signature = sign_and_confirm(
        client,
        hosted,
        factories.organisation_sign_form(
            name="EFF", website="https://eff.org/about/", email="info@eff.org"
        ),
    )

    assert signature.organisation == eff
    assert Organisation.objects.count() == 1


def test_a_similar_website_on_another_domain_is_not_a_match(client, hosted):
    factories.OrganisationFactory(name="Electronic Frontier Foundation", website="https://eff.org")

    signature = sign_and_confirm(
        client,
        hosted,
        factories.organisation_sign_form(name="EFF Fans", website="https://not-eff.org/"),
    )

    assert signature.organisation.name == "EFF Fans"
    assert Organisation.objects.count() == 2


def test_a_person_is_matched_by_an_alias(client, hosted, sofia):
    factories.PersonAliasFactory(person=sofia, name="Sofía Núñez García")

    signature = sign_and_confirm(client, hosted, factories.sign_form(name="sofia nunez garcia"))

    assert signature.person == sofia
    assert Person.objects.count() == 1


def test_a_person_is_matched_by_name_whatever_its_accents(client, hosted, sofia):
    signature = sign_and_confirm(client, hosted, factories.sign_form(name=nfd("SOFÍA NÚÑEZ")))

    assert signature.person == sofia


def test_a_signer_already_on_the_letter_gets_no_second_signature(client, hosted, five_rights):
    five_rights.website = "https://5rightsfoundation.com/"
    five_rights.save()
    listed = factories.SignatureFactory(letter=hosted, organisation=five_rights)
    data = factories.organisation_sign_form(
        name="5Rights Foundation", website="", email="office@5rightsfoundation.com"
    )
    post_sign(client, hosted, data)

    assert client.post(confirm_path(mail.outbox[0])).status_code == 200

    assert list(Signature.objects.all()) == [listed]
    listed.refresh_from_db()
    assert listed.status == SignatureStatus.REPORTED
    assert listed.signed_on_site_at is None  # still the source's signature, not ours
    # Its mailbox made nothing, so it cannot withdraw the listed signature.
    assert SignupRequest.objects.get().signature is None
    post_withdraw(client, hosted, factories.withdraw_form(email=data["email"]))
    client.post(confirm_path(mail.outbox[-1]))
    listed.refresh_from_db()
    assert listed.status == SignatureStatus.REPORTED


# ---------------------------------------------------------------------------
# Bulk moderation: everything from one IP address or one email domain
# ---------------------------------------------------------------------------


@pytest.fixture
def queue(hosted):
    """Pending sign-ups from a few addresses and domains, and one confirmed one."""

    def signed(name, ip, email, status=SignatureStatus.PENDING):
        signature = factories.PersonSignatureFactory(
            letter=hosted, person__name=name, status=status
        )
        factories.SignupRequestFactory(
            letter=hosted,
            name=name,
            ip_address=ip,
            email=email,
            confirmed_at=timezone.now(),
            signature=signature,
        )
        return signature

    return {
        "spam_a": signed("Spam A", "198.51.100.7", "a@spam.example"),
        "spam_b": signed("Spam B", "198.51.100.7", "b@other.example"),
        "spam_c": signed("Spam C", "2001:db8::7", "c@spam.example"),
        "fine": signed("Fine D", "203.0.113.10", "d@fine.example"),
        "lookalike": signed("Fine E", "203.0.113.11", "e@notspam.example"),
        "approved": signed("Fine F", "198.51.100.7", "f@spam.example", SignatureStatus.CONFIRMED),
    }


def statuses(queue) -> dict[str, str]:
    return {name: Signature.objects.get(pk=s.pk).status for name, s in queue.items()}


@pytest.mark.parametrize(
    ("action", "rejected"),
    [
        ("reject_same_ip", {"spam_a", "spam_b"}),
        ("reject_same_email_domain", {"spam_a", "spam_c"}),
    ],
)
def test_bulk_rejection_takes_every_pending_sign_up_from_the_same_source_and_nothing_else(
    curator_client, queue, action, rejected
):
    data = {"action": action, "_selected_action": [queue["spam_a"].pk]}

    response = curator_client.post(CHANGELIST, data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["2 signatures marked rejected."]
    expected = {
        name: SignatureStatus.REJECTED if name in rejected else signature.status
        for name, signature in queue.items()
    }
    assert statuses(queue) == expected
    assert expected["approved"] == SignatureStatus.CONFIRMED


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("198.51.100.7", {"Spam A", "Spam B"}),
        ("2001:db8::7", {"Spam C"}),
        ("spam.example", {"Spam A", "Spam C", "Fine E"}),
        ("Fine D", {"Fine D"}),
    ],
)
def test_staff_find_pending_sign_ups_by_address_domain_or_name(
    curator_client, queue, search, found
):
    response = curator_client.get(CHANGELIST, {"status__exact": "pending", "q": search})

    assert response.status_code == 200
    names = {s.published_name for s in response.context["cl"].result_list}
    assert names == found


def test_bulk_rejection_by_an_ipv6_address(curator_client, queue):
    data = {"action": "reject_same_ip", "_selected_action": [queue["spam_c"].pk]}

    curator_client.post(CHANGELIST, data)

    assert {name for name, status in statuses(queue).items() if status == "rejected"} == {"spam_c"}


# ---------------------------------------------------------------------------
# Privacy: the notice, and anonymising old requests
# ---------------------------------------------------------------------------


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, settings, db):
    settings.SIGNUP_RETENTION_DAYS = 45

    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "45 days" in html
    assert "email address" in html
    assert "removed" in html


@pytest.fixture
def old_and_new_requests(hosted):
    long_ago = timezone.now() - timedelta(days=100)
    signature = factories.SignatureFactory(letter=hosted, status=SignatureStatus.CONFIRMED)
    old = factories.SignupRequestFactory(
        letter=hosted,
        signer_kind="organisation",
        name="Old Org",
        contact_name="Olga Old",
        email="olga@old.example",
        ip_address="198.51.100.1",
        created_at=long_ago,
        confirmed_at=long_ago,
        signature=signature,
    )
    new = factories.SignupRequestFactory(
        letter=hosted, contact_name="Nina New", email="nina@new.example"
    )
    old_report = factories.CorrectionRequestFactory(letter=hosted, created_at=long_ago)
    new_report = factories.CorrectionRequestFactory(letter=hosted)
    return old, new, old_report, new_report, signature


def anonymise(*args) -> str:
    out = StringIO()
    call_command("anonymise_signups", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(SignupRequest.objects.order_by("pk").values()),
        list(CorrectionRequest.objects.order_by("pk").values()),
        list(Signature.objects.order_by("pk").values()),
    )


def test_anonymising_clears_the_contact_data_of_old_requests_only(old_and_new_requests):
    old, new, old_report, new_report, signature = old_and_new_requests

    output = anonymise()

    assert "Anonymised 1 sign-up request(s) and 1 correction request(s)" in output
    old.refresh_from_db()
    assert (old.email, old.email_key, old.contact_name, old.ip_address) == ("", "", "", None)
    assert old.anonymised_at is not None
    assert (old.name, old.signature) == ("Old Org", signature)
    new.refresh_from_db()
    assert (new.email, new.contact_name, new.ip_address) == (
        "nina@new.example",
        "Nina New",
        "192.0.2.1",
    )
    old_report.refresh_from_db()
    assert (old_report.email, old_report.ip_address) == ("", None)
    assert old_report.details  # what was asked stays, for the record
    new_report.refresh_from_db()
    assert new_report.email and new_report.ip_address
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED


def test_anonymising_twice_changes_nothing_more(old_and_new_requests):
    anonymise()
    after_first = snapshot()

    output = anonymise()

    assert snapshot() == after_first
    assert "Anonymised 0 sign-up request(s) and 0 correction request(s)" in output


def test_the_retention_period_can_be_given(old_and_new_requests):
    _, new, *_ = old_and_new_requests

    anonymise("--days", "0")

    new.refresh_from_db()
    assert (new.email, new.ip_address) == ("", None)
