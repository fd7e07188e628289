"""No one signs as an organisation they are not (issue 12, section 3).

A sign-up naming an organisation we hold is published as that organisation only when the
confirmed email is at its website domain, or when a curator records how it was verified.
Otherwise moderators see "claims to be …: unverified", and once approved it is listed as
the individual who sent it, with the organisation as affiliation.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from letters.models import Organisation, Person, Signature, SignatureStatus, SignupRequest
from letters.signing.verification import verified_domain
from tests import factories
from tests.signing.helpers import new_ip

CHANGELIST = reverse("admin:letters_signature_changelist")


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.SIGNUP_MIN_SECONDS = 0


@pytest.fixture
def barnardos(db) -> Organisation:
    return factories.OrganisationFactory(
        name="Barnardo's", slug="barnardos", website="https://www.barnardos.org.uk/"
    )


def sign_up(client, letter, data) -> Signature | None:
    """Submit, then confirm through the emailed link; the signature it made, if any."""
    mail.outbox.clear()
    response = client.post(reverse("sign_letter", args=[letter.slug]), data, REMOTE_ADDR=new_ip())
    assert response.status_code == 302
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/signups/confirm/[^/\s]+/)", message.body).group(1)
    assert client.post(path).status_code == 200
    return SignupRequest.objects.get(email=data["email"]).signature


def as_barnardos(email: str, **fields) -> dict:
    claim = {
        "name": "BARNARDO'S",
        "website": "",
        "contact_name": "Jane Doe",
        "role": "Press officer",
        "email": email,
    }
    return factories.organisation_sign_form(**{**claim, **fields})


def moderate(curator_client, action: str, *signatures, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in signatures], **extra}
    return curator_client.post(CHANGELIST, data, follow=True)


# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email_domain", "website", "verified"),
    [
        ("barnardos.org.uk", "https://www.barnardos.org.uk/", "barnardos.org.uk"),
        ("BARNARDOS.ORG.UK", "barnardos.org.uk", "barnardos.org.uk"),
        ("mail.barnardos.org.uk", "https://barnardos.org.uk/about", "barnardos.org.uk"),
        ("exämple.org", "https://xn--exmple-cua.org/", "xn--exmple-cua.org"),
        ("xn--exmple-cua.org", "https://exämple.org/", "xn--exmple-cua.org"),
        ("gmail.com", "https://www.barnardos.org.uk/", ""),
        ("barnardos.org.uk.evil.example", "https://barnardos.org.uk/", ""),
        ("notbarnardos.org.uk", "https://barnardos.org.uk/", ""),
        ("org.uk", "https://barnardos.org.uk/", ""),
        ("barnardos.org.uk", "", ""),
        ("", "https://barnardos.org.uk/", ""),
        # A page on a platform anyone can use is not the organisation's own domain.
        ("facebook.com", "https://www.facebook.com/barnardos", ""),
        ("gmail.com", "https://gmail.com/", ""),
        ("barnardos.github.io", "https://barnardos.github.io/", ""),
    ],
)
def test_an_email_verifies_only_at_the_websites_own_domain(email_domain, website, verified):
    assert verified_domain(email_domain, website) == verified


# ---------------------------------------------------------------------------
# At confirmation
# ---------------------------------------------------------------------------


def test_an_address_at_the_organisations_domain_signs_as_the_organisation(
    client, hosted, barnardos
):
    signature = sign_up(client, hosted, as_barnardos("jane.doe@barnardos.org.uk"))

    assert signature.organisation == barnardos
    assert (signature.published_name, signature.role) == ("BARNARDO'S", "Press officer")
    assert signature.verified_domain == "barnardos.org.uk"
    assert signature.claimed_organisation is None
    assert signature.verification == "domain"
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "email",
    [
        "jane@gmail.com",
        "jane@barnardos-uk.example",
        "jane@barnardos.org.uk.evil.example",
        "jane@BARNARDOS.org.uk.attacker.example",
    ],
)
def test_anyone_else_naming_the_organisation_is_listed_as_themselves(
    client, hosted, barnardos, email
):
    signature = sign_up(client, hosted, as_barnardos(email))

    assert signature.organisation is None
    assert signature.person.name == "Jane Doe"
    assert signature.published_name == "Jane Doe"
    assert signature.role == "Press officer, BARNARDO'S"
    assert signature.claimed_organisation == barnardos
    assert (signature.verification, signature.verified_domain) == ("none", "")
    assert signature.status == SignatureStatus.PENDING
    assert not barnardos.signatures.exists()


def test_a_claim_matched_by_the_website_alone_is_not_verified(client, hosted, barnardos):
    data = as_barnardos("press@gmail.com", name="Barnardos Charity")
    data["website"] = "https://barnardos.org.uk/"

    signature = sign_up(client, hosted, data)

    assert signature.claimed_organisation == barnardos
    assert signature.organisation is None


def test_an_organisation_we_did_not_hold_is_created_and_says_whether_it_was_verified(
    client, hosted
):
    verified = sign_up(
        client,
        hosted,
        factories.organisation_sign_form(
            name="Small Charity", website="https://small.example/", email="ann@small.example"
        ),
    )
    unverified = sign_up(
        client,
        hosted,
        factories.organisation_sign_form(
            name="Other Charity", website="https://other.example/", email="bob@gmail.com"
        ),
    )

    assert verified.organisation.name == "Small Charity"
    assert verified.verification == "domain"
    assert unverified.organisation.name == "Other Charity"
    assert unverified.verification == "none"
    assert unverified.claimed_organisation is None


def test_an_unverified_claim_by_someone_already_on_the_letter_adds_nothing(
    client, hosted, barnardos
):
    jane = factories.PersonFactory(name="Jane Doe")
    listed = factories.PersonSignatureFactory(letter=hosted, person=jane)

    assert sign_up(client, hosted, as_barnardos("jane@gmail.com")) is None
    assert list(Signature.objects.all()) == [listed]


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


def test_moderators_see_an_unverified_claim_first_and_prominently(
    client, curator_client, hosted, barnardos
):
    sign_up(client, hosted, as_barnardos("jane@gmail.com"))
    sign_up(client, hosted, as_barnardos("press@barnardos.org.uk", contact_name="Kim Lee"))

    response = curator_client.get(CHANGELIST, {"status__exact": "pending"})

    html = response.content.decode()
    assert '<strong class="errornote">claims to be Barnardo&#x27;s: unverified</strong>' in html
    assert "verified from barnardos.org.uk" in html
    header = re.findall(r'<th scope="col" class="[^"]*column-([\w_]+)', html)
    assert header[:2] == ["published_name", "verification_for_moderators"]


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("claim", ["Jane Doe"]),
        ("verified", ["BARNARDO'S"]),
        ("none", ["Jane Doe", "Open Rights Group"]),
        ("source", ["Listed From A Source"]),
    ],
)
def test_moderators_filter_by_verification(client, curator_client, hosted, barnardos, value, names):
    sign_up(client, hosted, as_barnardos("jane@gmail.com"))
    sign_up(client, hosted, as_barnardos("press@barnardos.org.uk", contact_name="Kim Lee"))
    sign_up(client, hosted, factories.organisation_sign_form(email="x@gmail.com"))
    factories.SignatureFactory(letter=hosted, published_name="Listed From A Source")

    response = curator_client.get(CHANGELIST, {"verification": value})

    shown = sorted(s.published_name for s in response.context["cl"].result_list)
    assert shown == names


def test_an_approved_unverified_claim_is_listed_as_the_individual_not_the_organisation(
    client, curator_client, hosted, barnardos
):
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))

    moderate(curator_client, "mark_confirmed", signature)

    letter_page = client.get(hosted.get_absolute_url()).content.decode()
    assert "Jane Doe" in letter_page
    assert "Press officer, BARNARDO&#x27;S" in letter_page
    assert "email confirmed; affiliation not verified" in letter_page
    assert client.get(barnardos.get_absolute_url()).status_code == 404  # nothing public
    person_page = client.get(signature.person.get_absolute_url()).content.decode()
    assert hosted.title in person_page


def test_a_curator_records_how_a_claim_was_verified_and_it_becomes_the_organisations(
    client, curator_client, curator, hosted, barnardos
):
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))
    claimant = signature.person
    method = "Phoned Barnardo's press office on its published number; they confirmed."

    asked = moderate(curator_client, "record_verification", signature)
    assert asked.status_code == 200
    assert "claims to be Barnardo" in asked.content.decode()
    assert 'value="Verify 1 sign-up"' in asked.content.decode()
    done = moderate(curator_client, "record_verification", signature, apply="1", method=method)

    assert [str(m) for m in done.context["messages"]] == ["1 sign-up verified."]
    signature.refresh_from_db()
    assert signature.organisation == barnardos and signature.person is None
    assert (signature.published_name, signature.role) == ("BARNARDO'S", "Press officer")
    assert signature.claimed_organisation is None
    assert signature.verification_method == method
    assert signature.verification == "curator"
    assert not Person.objects.filter(pk=claimant.pk).exists()  # the contact's name goes
    latest = signature.history.latest()
    assert latest.history_user == curator
    assert latest.verification_method == method
    assert latest.history_change_reason.startswith("Verified by a curator: Phoned")
    moderate(curator_client, "mark_confirmed", signature)
    organisation_page = client.get(barnardos.get_absolute_url()).content.decode()
    assert hosted.title in organisation_page
    letter_page = client.get(hosted.get_absolute_url()).content.decode()
    assert escape(f"verified by our curators: {method}") in letter_page


def test_verifying_keeps_a_person_record_that_is_used_elsewhere(
    client, curator_client, hosted, barnardos
):
    jane = factories.PersonFactory(name="Jane Doe")
    other = factories.PersonSignatureFactory(person=jane)
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))
    assert signature.person == jane

    moderate(curator_client, "record_verification", signature, apply="1", method="By phone.")

    assert Person.objects.filter(pk=jane.pk).exists()
    assert Signature.objects.get(pk=other.pk).person == jane


def test_a_claim_cannot_become_a_second_signature_of_the_organisation(
    client, curator_client, hosted, barnardos
):
    factories.SignatureFactory(letter=hosted, organisation=barnardos)
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))

    done = moderate(curator_client, "record_verification", signature, apply="1", method="Phone.")

    messages = [str(m) for m in done.context["messages"]]
    assert "Barnardo's already has a signature on this letter" in messages[0]
    assert messages[1] == "0 sign-ups verified."
    signature.refresh_from_db()
    assert signature.claimed_organisation == barnardos and signature.verification_method == ""


def test_only_sign_ups_made_here_can_be_verified(curator_client, hosted):
    listed = factories.SignatureFactory(letter=hosted, published_name="From A Source")

    done = moderate(curator_client, "record_verification", listed, apply="1", method="Phone.")

    assert "was not signed on this site" in str(list(done.context["messages"])[0])
    listed.refresh_from_db()
    assert listed.verification_method == ""


def test_verifying_needs_to_say_how(client, curator_client, hosted, barnardos):
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))

    response = moderate(curator_client, "record_verification", signature, apply="1", method="")

    assert response.status_code == 200
    assert response.context["form"].errors["method"]
    signature.refresh_from_db()
    assert signature.claimed_organisation == barnardos


def test_an_individual_can_be_verified_too(client, curator_client, hosted):
    signature = sign_up(client, hosted, factories.sign_form())

    moderate(curator_client, "record_verification", signature, apply="1", method="Video call.")

    signature.refresh_from_db()
    assert signature.person.name == "Ada Lovelace"
    assert signature.site_provenance.endswith(
        "email confirmed; verified by our curators: Video call."
    )


# ---------------------------------------------------------------------------
# The statuses page explains each case
# ---------------------------------------------------------------------------


def test_the_statuses_page_explains_each_kind_of_site_provenance(client, db):
    html = client.get(reverse("signature_statuses")).content.decode()

    assert 'id="signed-here"' in html
    for anchor, shown_as in [
        ("signed-on-site", "Signed on this site on 3 March 2026; email confirmed"),
        ("verified-domain", "verified from barnardos.org.uk"),
        ("verified-curator", "verified by our curators"),
        ("not-verified", "not verified"),
        ("affiliation-not-verified", "affiliation not verified"),
    ]:
        assert f'<dt id="{anchor}">“{shown_as}' in html
    assert "with the organisation as their affiliation" in html


def test_a_claims_signer_cannot_be_swapped_by_hand_only_verified(
    client, curator_client, hosted, barnardos
):
    signature = sign_up(client, hosted, as_barnardos("jane@gmail.com"))
    url = reverse("admin:letters_signature_change", args=[signature.pk])

    form = curator_client.get(url).context["adminform"].form

    assert "organisation" not in form.fields and "person" not in form.fields
    html = curator_client.get(url).content.decode()
    assert "claims to be Barnardo&#x27;s: unverified" in html
