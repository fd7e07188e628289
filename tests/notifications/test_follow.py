"""Following an organisation, a person or a letter by email: double opt-in, daily alerts
through the worker's outbox with a one-click unsubscribe, rate limits, retention."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from letters.models import OutboundEmail, SignatureStatus, Subscription, SubscriptionKind
from letters.notifications import subscriptions
from letters.notifications.tasks import forget_subscriptions
from letters.signing.tasks import anonymise_signups
from tests import factories
from tests.notifications.helpers import link_in, sent_to
from tests.signing.helpers import new_ip, row_counts

DAY = date(2026, 3, 2)
# Followers confirm the day before DAY: their alerts start with DAY.
BEFORE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def follow_form(**fields):
    return {
        "email": "reader@example.org",
        "homepage": "",
        "started": factories.started(3600),
        **fields,
    }


@pytest.fixture
def barnardos(db):
    organisation = factories.OrganisationFactory(name="Barnardo's", slug="barnardos")
    factories.SignatureFactory(organisation=organisation)  # public: shown on a letter
    return organisation


def follow(client, url_name, slug, ip=None, **fields):
    return client.post(
        reverse(url_name, args=[slug]), follow_form(**fields), REMOTE_ADDR=ip or new_ip()
    )


def confirmed_subscription(client, url_name, slug, email="reader@example.org", when=BEFORE):
    with freeze_time(when):
        follow(client, url_name, slug, email=email)
        confirm_path = link_in(sent_to(email)[-1], "/follow/confirm/")
        client.post(confirm_path)
    return Subscription.objects.get(email=email)


def test_follow_confirm_alert_and_one_click_unsubscribe(client, barnardos):
    with freeze_time(BEFORE) as clock:
        _follow_confirm_alert_and_unsubscribe(client, barnardos, clock)


def _follow_confirm_alert_and_unsubscribe(client, barnardos, clock):
    page = client.get(reverse("follow_organisation", args=["barnardos"]))
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content

    response = follow(client, "follow_organisation", "barnardos")
    assert response.status_code == 302 and response.url == reverse("follow_sent")
    [confirmation] = mail.outbox
    assert "Barnardo's" in confirmation.subject
    confirm_path = link_in(confirmation, "/follow/confirm/")

    assert b'method="post"' in client.get(confirm_path).content  # a GET confirms nothing
    assert Subscription.objects.confirmed().count() == 0
    assert client.post(confirm_path).status_code == 200
    subscription = Subscription.objects.confirmed().get()
    assert subscription.kind == SubscriptionKind.ORGANISATION

    letter = factories.LetterFactory(title="Letter <script>alert(1)</script>")
    clock.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    factories.SignatureFactory(organisation=barnardos, letter=letter)
    factories.EndorsementFactory(organisation=barnardos, person=None, letter=letter)
    clock.move_to(datetime(2026, 3, 3, 0, 30, tzinfo=UTC))
    factories.SignatureFactory(organisation=barnardos)  # recorded on the 3rd: the 3rd's news
    mail.outbox.clear()

    assert subscriptions.send_alerts(DAY) == 1
    assert subscriptions.send_alerts(DAY) == 0  # never twice for one day
    [alert] = mail.outbox
    assert alert.to == ["reader@example.org"]
    assert 'Signed "Letter <script>alert(1)</script>"' in alert.body  # plain text
    assert 'Endorsed "Letter <script>alert(1)</script>"' in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url in alert.body
    # Once sent, the outbox keeps neither the body nor the unsubscribe link.
    assert OutboundEmail.objects.filter(kind="Follow alert", headers={}, body="").count() == 1

    # The mail client's one-click POST: no cookie, no CSRF token.
    path = unsubscribe_url.removeprefix("https://tracker.example")
    one_click = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not Subscription.objects.exists()
    assert b"No more alerts" in client.get(path).content


def test_the_unsubscribe_page_asks_before_it_acts(client, hosted):
    subscription = confirmed_subscription(client, "follow_letter", hosted.slug)
    path = subscriptions.unsubscribe_url(subscription).removeprefix("https://tracker.example")

    page = client.get(path)
    assert page.status_code == 200 and b"Stop my alerts" in page.content
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    client.post(path)
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_a_letters_followers_hear_of_its_new_public_signatures_only(client, hosted):
    confirmed_subscription(client, "follow_letter", hosted.slug)
    mail.outbox.clear()
    with freeze_time(datetime(2026, 3, 2, 10, 0)):
        factories.SignatureFactory(letter=hosted, published_name="Listed <b>Org</b>")
        factories.SignatureFactory(
            letter=hosted, published_name="Waiting", status=SignatureStatus.PENDING
        )

    subscriptions.send_alerts(DAY)
    [alert] = mail.outbox
    assert "Signed by Listed <b>Org</b>" in alert.body
    assert "Waiting" not in alert.body


def test_a_quiet_day_sends_nothing(client, barnardos):
    confirmed_subscription(client, "follow_organisation", "barnardos")
    mail.outbox.clear()
    assert subscriptions.send_alerts(DAY) == 0
    assert mail.outbox == []


def test_unconfirmed_followers_get_no_alerts(client, hosted):
    follow(client, "follow_letter", hosted.slug)
    mail.outbox.clear()
    with freeze_time(datetime(2026, 3, 2, 10, 0)):
        factories.SignatureFactory(letter=hosted)
    assert subscriptions.send_alerts(DAY) == 0


def test_asking_again_gives_the_same_answer_and_one_subscription(client, hosted, sofia):
    factories.SignatureFactory(person=sofia, organisation=None)
    confirmed_subscription(client, "follow_person", sofia.slug)
    mail.outbox.clear()
    with freeze_time(BEFORE + timedelta(hours=1)):
        response = follow(client, "follow_person", sofia.slug, email="Reader+news@Example.org")

    assert response.url == reverse("follow_sent")
    assert Subscription.objects.count() == 1
    assert mail.outbox == []


def test_drafts_and_private_signers_cannot_be_followed(client, draft_letter):
    pending_only = factories.PersonFactory(slug="pending-only")
    factories.SignatureFactory(
        person=pending_only, organisation=None, status=SignatureStatus.PENDING
    )

    assert follow(client, "follow_letter", draft_letter.slug).status_code == 404
    assert follow(client, "follow_person", "pending-only").status_code == 404
    assert client.get(reverse("person_changes_feed", args=["pending-only"])).status_code == 404


def test_bad_input_gets_the_form_back_and_bots_get_nothing(client, hosted):
    before = row_counts()
    bad = follow(client, "follow_letter", hosted.slug, email="not an address")
    assert bad.status_code == 400 and b"form-errors" in bad.content
    bot = follow(client, "follow_letter", hosted.slug, homepage="https://spam.example")
    assert bot.status_code == 302
    assert not Subscription.objects.exists() and mail.outbox == [] and row_counts() == before


def test_the_form_needs_its_csrf_token(hosted):
    response = Client(enforce_csrf_checks=True).post(
        reverse("follow_letter", args=[hosted.slug]), follow_form()
    )
    assert response.status_code == 403


def test_rate_limits_per_network_address_and_per_email(client, hosted, barnardos, sofia):
    ip = new_ip()
    for n in range(3):
        response = follow(client, "follow_letter", hosted.slug, ip=ip, email=f"{n}@example.org")
        assert response.status_code == 302
    too_many = follow(client, "follow_organisation", "barnardos", ip=ip, email="x@example.org")
    assert too_many.status_code == 429
    assert b"3 a minute" in too_many.content

    factories.SignatureFactory(person=sofia, organisation=None)
    for url_name, slug in [("follow_organisation", "barnardos"), ("follow_person", sofia.slug)]:
        assert follow(client, url_name, slug, email="busy@example.org").status_code == 302
    assert follow(client, "follow_letter", hosted.slug, email="busy@example.org").status_code == 302
    # The same mailbox again, from yet another network address.
    again = follow(client, "follow_organisation", "barnardos", email="Busy+x@example.org")
    assert again.status_code == 429
    assert Subscription.objects.count() == 6


def test_an_expired_confirmation_link_confirms_nothing(client, hosted, settings):
    follow(client, "follow_letter", hosted.slug)
    path = link_in(mail.outbox[0], "/follow/confirm/")
    later = timezone.now() + timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS + 1)
    with freeze_time(later):
        assert client.post(path).status_code == 410
    assert Subscription.objects.confirmed().count() == 0


def test_retention_deletes_unconfirmed_subscriptions_and_the_addresses_emailed(client, hosted):
    with freeze_time(timezone.now() - timedelta(days=91)):
        follow(client, "follow_letter", hosted.slug, email="never@example.org")
        confirmed_subscription(client, "follow_letter", hosted.slug, email="kept@example.org")
    follow(client, "follow_letter", hosted.slug, email="recent@example.org")

    assert forget_subscriptions.call() == {"unconfirmed": 1, "ip_addresses": 1}
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "kept@example.org",
        "recent@example.org",
    ]
    assert Subscription.objects.get(email="kept@example.org").ip_address is None
    anonymise_signups.call()
    assert not OutboundEmail.objects.filter(
        to__in=["never@example.org", "kept@example.org"]
    ).exists()
    assert OutboundEmail.objects.filter(to="recent@example.org").exists()
    assert forget_subscriptions.call() == {"unconfirmed": 0, "ip_addresses": 0}


def test_the_daily_task_sends_yesterdays_alerts(client, hosted):
    from letters.notifications.tasks import send_daily_notifications

    confirmed_subscription(client, "follow_letter", hosted.slug)
    with freeze_time(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)):
        factories.SignatureFactory(letter=hosted, published_name="New yesterday")
    mail.outbox.clear()
    with freeze_time(datetime(2026, 3, 3, 0, 1, tzinfo=UTC)):
        result = send_daily_notifications.call()
    assert result == {"day": "2026-03-02", "digests": 0, "alerts": 1}
    assert "New yesterday" in mail.outbox[0].body


def test_alerts_are_written_in_the_language_the_follower_asked_in(client, barnardos):
    """The worker writes the alerts with no request to take a language from: each is in
    the language of the page its follower asked from, while the site offers it."""
    confirmed_subscription(client, "follow_organisation", "barnardos", email="reader@example.org")
    confirmed_subscription(client, "follow_organisation", "barnardos", email="leser@example.org")
    # A language the site no longer offers: the site's default.
    Subscription.objects.filter(email="leser@example.org").update(language="de")
    with translation.override("fr"):
        french_page = reverse("follow_organisation", args=["barnardos"])
    assert french_page.startswith("/fr/")
    with freeze_time(BEFORE):
        client.post(french_page, follow_form(email="lectrice@example.org"), REMOTE_ADDR=new_ip())
        client.post(link_in(sent_to("lectrice@example.org")[-1], "/fr/follow/confirm/"))
    assert Subscription.objects.confirmed().get(email="lectrice@example.org").language == "fr"
    with freeze_time(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)):
        factories.SignatureFactory(organisation=barnardos)
    mail.outbox.clear()

    translation.activate("en")  # the worker's own language, which stays as it was
    assert subscriptions.send_alerts(DAY) == 3
    assert translation.get_language() == "en"
    [french] = sent_to("lectrice@example.org")
    assert french.subject == "Ce qui a changé pour Barnardo's"
    assert "Ce qui a changé pour «\xa0Barnardo's\xa0» le 2 mars 2026" in french.body
    assert "https://tracker.example/fr/organisations/barnardos/" in french.body
    for address in ("reader@example.org", "leser@example.org"):
        [english] = sent_to(address)
        assert english.subject == "What changed about Barnardo's"
        assert "https://tracker.example/organisations/barnardos/" in english.body
