"""The migration to one row per emailed link keeps every link already in an inbox
working, and gives signatures made by earlier sign-ups their provenance."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from letters.signing.services import hash_token


def migration(executor: MigrationExecutor, suffix: str) -> tuple[str, str]:
    """A letters migration by the end of its name (the lead renumbers them at merge)."""
    (key,) = [
        k for k in executor.loader.disk_migrations if k[0] == "letters" and k[1][5:] == suffix
    ]
    return key


@pytest.mark.django_db(transaction=True)
def test_old_links_keep_working_and_old_sign_ups_get_their_provenance():
    executor = MigrationExecutor(connection)
    before = migration(executor, "signature_provenance_signup_links")
    executor.migrate([before])
    apps = executor.loader.project_state([before]).apps
    Letter = apps.get_model("letters", "Letter")
    Organisation = apps.get_model("letters", "Organisation")
    Signature = apps.get_model("letters", "Signature")
    HistoricalSignature = apps.get_model("letters", "HistoricalSignature")
    SignupRequest = apps.get_model("letters", "SignupRequest")
    letter = Letter.objects.create(slug="hosted", title="Hosted", accepts_signups=True)
    now = timezone.now()
    barnardos = Organisation.objects.create(
        name="Barnardo's", slug="barnardos", website="https://www.barnardos.org.uk/"
    )
    listed = Organisation.objects.create(name="Listed", slug="listed")

    def signature(organisation, made_here: bool):
        made = Signature.objects.create(
            letter=letter,
            organisation=organisation,
            published_name=organisation.name,
            position=Signature.objects.count() + 1,
        )
        HistoricalSignature.objects.create(
            id=made.pk,
            letter=letter,
            organisation=organisation,
            published_name=organisation.name,
            position=made.position,
            status=made.status,
            entered_at=now,
            history_date=now,
            history_type="+",
            history_change_reason=(
                "Signed through the site (confirmed by email)" if made_here else "Imported"
            ),
        )
        return made

    def request(token, email, **fields):
        return SignupRequest.objects.create(
            letter=letter,
            signer_kind="organisation",
            name="x",
            email=email,
            email_key=email,
            token_hash=hash_token(token),
            expires_at=now + timedelta(hours=40),
            **fields,
        )

    pending = request("pending-token", "ann@example.org")
    made_here = signature(barnardos, made_here=True)
    request("done", "press@barnardos.org.uk", confirmed_at=now, signature=made_here)
    from_a_source = signature(listed, made_here=False)
    matched = request("matched", "eve@gmail.com", confirmed_at=now, signature=from_a_source)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # where every other test runs

    from letters.models import Signature as NowSignature
    from letters.models import SignupLink
    from letters.models import SignupRequest as NowSignupRequest

    link = SignupLink.objects.get(token_hash=hash_token("pending-token"))
    assert link.request_id == pending.pk
    assert link.expires_at == pending.expires_at
    assert NowSignupRequest.objects.get(pk=pending.pk).email_domain == "example.org"
    here = NowSignature.objects.get(pk=made_here.pk)
    assert here.signed_on_site_at is not None
    assert here.verified_domain == "barnardos.org.uk"
    source = NowSignature.objects.get(pk=from_a_source.pk)
    assert source.signed_on_site_at is None
    # The sign-up that only matched a listed signature no longer points at it.
    assert NowSignupRequest.objects.get(pk=matched.pk).signature is None
