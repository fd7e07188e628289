"""'Report an error / ask to be removed': the public form, the staff queue, the public log.

Any letter, hosted or only tracked, takes reports about its signatories and endorsements.
A report leaves no public trace; what staff change is logged publicly, in their words,
without the reporter's email, address or message.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import (
    Correction,
    CorrectionRequest,
    CorrectionStatus,
    Letter,
    Signature,
    SignatureStatus,
)
from tests import factories
from tests.signing.helpers import row_counts


@pytest.fixture
def tracked(published_letter) -> Letter:
    """A letter we only track: no sign-ups, but reports are welcome."""
    return published_letter


@pytest.fixture
def listed(tracked) -> Signature:
    return factories.SignatureFactory(
        letter=tracked, organisation__name="Lovelance Institute", published_name="Lovelance"
    )


@pytest.fixture
def endorsement(tracked):
    return factories.EndorsementFactory(letter=tracked, person__name="Rt Hon A Minister")


def report_url(letter: Letter) -> str:
    return reverse("report_correction", args=[letter.slug])


def log_url(letter: Letter) -> str:
    return reverse("correction_log", args=[letter.slug])


# ---------------------------------------------------------------------------
# The form, about a signatory or an endorsement
# ---------------------------------------------------------------------------


def test_the_form_about_a_signatory_names_it(client, listed):
    response = client.get(report_url(listed.letter), {"signature": listed.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lovelance" in html
    assert f'name="signature" value="{listed.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-cache" in response["Cache-Control"]


def test_the_form_about_an_endorsement_names_the_endorser(client, endorsement):
    response = client.get(report_url(endorsement.letter), {"endorsement": endorsement.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Rt Hon A Minister" in html
    assert f'name="endorsement" value="{endorsement.pk}"' in html


def test_the_form_works_without_a_subject(client, tracked):
    assert client.get(report_url(tracked)).status_code == 200


@pytest.mark.parametrize("kind", ["error", "removal"])
def test_a_report_about_a_signatory_is_queued_and_leaves_no_public_trace(client, listed, kind):
    letter = listed.letter
    data = factories.correction_form(
        kind=kind,
        signature=listed.pk,
        details="Secret details: call me on 0123.",
        email="me@private.example",
    )

    response = client.post(report_url(letter), data, REMOTE_ADDR="203.0.113.4")

    assert response.status_code == 302
    assert response["Location"] == reverse("correction_sent", args=[letter.slug])
    assert client.get(response["Location"]).status_code == 200
    request = CorrectionRequest.objects.get()
    assert (request.letter, request.signature, request.endorsement) == (letter, listed, None)
    assert (request.kind, request.status) == (kind, CorrectionStatus.OPEN)
    assert (request.email, request.ip_address) == ("me@private.example", "203.0.113.4")
    assert Correction.objects.count() == 0
    listed.refresh_from_db()
    assert listed.status == SignatureStatus.REPORTED
    for url in (letter.get_absolute_url(), log_url(letter)):
        html = client.get(url).content.decode()
        assert "Secret details" not in html
        assert "me@private.example" not in html
        assert "203.0.113.4" not in html
    assert "No correction so far." in client.get(log_url(letter)).content.decode()


def test_a_report_about_an_endorsement_is_queued(client, endorsement):
    data = factories.correction_form(endorsement=endorsement.pk, email="")

    response = client.post(report_url(endorsement.letter), data)

    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.endorsement, request.signature, request.email) == (endorsement, None, "")


def test_a_hosted_letter_takes_reports_too(client, demo_data):
    letter = Letter.objects.get(slug="demo-hosted-letter")

    assert client.post(report_url(letter), factories.correction_form()).status_code == 302
    assert CorrectionRequest.objects.get().letter == letter


# ---------------------------------------------------------------------------
# Unknown subjects and bad input
# ---------------------------------------------------------------------------


@pytest.fixture
def other_letters_entries(db):
    other = factories.LetterFactory(slug="another-letter")
    return {
        "signature": factories.SignatureFactory(letter=other).pk,
        "endorsement": factories.EndorsementFactory(letter=other).pk,
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", "999999"),
        ("endorsement", "999999"),
        ("signature", "abc"),
        ("signature", "-1"),
        ("signature", "1.5"),
        ("endorsement", "9" * 30),
        ("signature", "other letter"),
        ("endorsement", "other letter"),
    ],
)
def test_unknown_or_other_letters_entries_are_not_found(
    client, listed, endorsement, other_letters_entries, method, field, value
):
    if value == "other letter":
        value = other_letters_entries[field]
    before = row_counts()
    data = {**factories.correction_form(), field: value}
    if method == "get":
        response = client.get(report_url(listed.letter), {field: value})
    else:
        response = client.post(report_url(listed.letter), data)

    assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize("status", [SignatureStatus.PENDING, SignatureStatus.REJECTED])
def test_signatures_that_are_not_public_cannot_be_reported(client, tracked, status):
    hidden = factories.SignatureFactory(letter=tracked, status=status)

    assert client.get(report_url(tracked), {"signature": hidden.pk}).status_code == 404


def test_a_report_about_two_entries_at_once_is_refused(
    client, listed, endorsement, nothing_written
):
    data = factories.correction_form(signature=listed.pk, endorsement=endorsement.pk)

    response = client.post(report_url(listed.letter), data)

    assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_draft_letter_takes_no_reports(client, draft_letter, nothing_written, method):
    response = getattr(client, method)(report_url(draft_letter), factories.correction_form())

    assert response.status_code == 404
    assert client.get(log_url(draft_letter)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"details": ""}, "details"),
        ({"details": "x" * 4001}, "details"),
        ({"details": "Wrong\x00name"}, "details"),
        ({"kind": "praise"}, "kind"),
        ({"kind": "error\x00"}, "kind"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"started": "forged"}, "__all__"),
        ({"started": ""}, "__all__"),
    ],
)
def test_bad_reports_are_refused(client, tracked, nothing_written, changes, field):
    response = client.post(report_url(tracked), {**factories.correction_form(), **changes})

    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_a_report_sent_too_fast_is_refused(client, tracked, settings, nothing_written):
    settings.SIGNUP_MIN_SECONDS = 30
    started = client.get(report_url(tracked)).context["form"].initial["started"]

    response = client.post(report_url(tracked), factories.correction_form(started=started))

    assert response.status_code == 400
    assert "quicker than anyone can read the form" in response.content.decode()


def test_a_report_with_a_filled_honeypot_writes_nothing(client, tracked, nothing_written):
    data = factories.correction_form(homepage="https://spam.example")

    response = client.post(report_url(tracked), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("correction_sent", args=[tracked.slug])


def test_a_report_without_a_csrf_token_is_forbidden(tracked, nothing_written):
    client = Client(enforce_csrf_checks=True)

    response = client.post(report_url(tracked), factories.correction_form())

    assert response.status_code == 403


def test_reports_are_rate_limited_per_address_and_letter(client, tracked):
    first = client.post(report_url(tracked), factories.correction_form(), REMOTE_ADDR="192.0.2.9")

    second = client.post(report_url(tracked), factories.correction_form(), REMOTE_ADDR="192.0.2.9")

    assert (first.status_code, second.status_code) == (302, 429)
    assert CorrectionRequest.objects.count() == 1


# ---------------------------------------------------------------------------
# Staff act on a report; the public log shows what changed
# ---------------------------------------------------------------------------


def change_url(request: CorrectionRequest) -> str:
    return reverse("admin:letters_correctionrequest_change", args=[request.pk])


def act_on(curator_client, request, **correction):
    """Save the request's admin form with a status and one new row of the log inline."""
    data = {
        "status": CorrectionStatus.DONE,
        "staff_notes": "Checked with the organisation by phone.",
        "corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "corrections-0-made_on": "2024-05-17",
        "corrections-0-change": "Corrected a signatory's name",
        "corrections-0-reason": "The organisation told us its name",
    }
    data.update({f"corrections-0-{key}": value for key, value in correction.items()})
    return curator_client.post(change_url(request), data)


@pytest.fixture
def reported(listed):
    return factories.CorrectionRequestFactory(
        letter=listed.letter,
        signature=listed,
        details="Secret details: it is Lovelace.",
        email="me@private.example",
        ip_address="203.0.113.4",
    )


def test_staff_see_the_report_in_the_queue(curator_client, reported):
    queue = curator_client.get(reverse("admin:letters_correctionrequest_changelist"))
    form = curator_client.get(change_url(reported))

    assert queue.status_code == 200
    assert "Letter to a platform" in queue.content.decode()
    assert form.status_code == 200
    html = form.content.decode()
    assert "Secret details: it is Lovelace." in html
    assert "me@private.example" in html
    assert 'name="corrections-0-change"' in html


def test_a_report_acted_on_is_logged_publicly_without_personal_data(
    client, curator_client, reported
):
    letter = reported.letter

    response = act_on(curator_client, reported)

    assert response.status_code == 302, response.context and response.context["errors"]
    reported.refresh_from_db()
    assert reported.status == CorrectionStatus.DONE
    correction = Correction.objects.get()
    assert (correction.letter, correction.request) == (letter, reported)
    assert correction.made_on == date(2024, 5, 17)
    log = client.get(log_url(letter))
    assert log.status_code == 200
    html = log.content.decode()
    assert "Corrected a signatory&#x27;s name" in html
    assert "The organisation told us its name" in html
    assert "17 May 2024" in html
    for private in ("Secret details", "me@private.example", "203.0.113.4", "by phone"):
        assert private not in html


def test_the_log_lists_only_this_letters_corrections_newest_first(client, curator_client, reported):
    other = factories.LetterFactory(slug="elsewhere")
    Correction.objects.create(letter=other, change="Elsewhere", reason="Not here")
    Correction.objects.create(
        letter=reported.letter, made_on=date(2023, 1, 2), change="Older", reason="r"
    )
    act_on(curator_client, reported, change="Newer")

    html = client.get(log_url(reported.letter)).content.decode()

    assert "Elsewhere" not in html
    assert html.index("Newer") < html.index("Older")


def test_declining_reports_in_bulk_leaves_done_ones_alone(curator_client, tracked):
    open_one = factories.CorrectionRequestFactory(letter=tracked)
    done = factories.CorrectionRequestFactory(letter=tracked, status=CorrectionStatus.DONE)
    data = {"action": "mark_declined", "_selected_action": [open_one.pk, done.pk]}

    curator_client.post(reverse("admin:letters_correctionrequest_changelist"), data)

    statuses = dict(CorrectionRequest.objects.values_list("pk", "status"))
    assert statuses == {open_one.pk: CorrectionStatus.DECLINED, done.pk: CorrectionStatus.DONE}


def test_staff_cannot_add_reports_themselves(curator_client, db):
    response = curator_client.get(reverse("admin:letters_correctionrequest_add"))

    assert response.status_code == 403


def test_a_cached_log_shows_a_new_correction(
    client, curator_client, reported, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 300
    before = client.get(log_url(reported.letter))

    with django_capture_on_commit_callbacks(execute=True):
        act_on(curator_client, reported)

    after = client.get(log_url(reported.letter))
    revalidated = client.get(log_url(reported.letter), HTTP_IF_NONE_MATCH=before["ETag"])
    assert "Corrected a signatory" in after.content.decode()
    assert revalidated.status_code == 200
