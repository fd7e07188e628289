"""Two sign-ups whose names make one slug ("5-Rights Org" and "5 Rights & Org") confirmed at
the same moment both succeed, each with a slug of its own: never a 500 on the unique
constraint. The slug is locked while it is chosen and taken, and a slug taken meanwhile
by a writer that does not lock (an import) makes the sign-up choose again.

The names differ once normalised: names that normalise alike ("5-Rights Org", "5 Rights-Org")
are one organisation to a sign-up, which then joins it (or, unverified, claims it) instead
of creating a second one, so they never race for a slug."""

import contextlib
import threading

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection

from letters.models import Organisation, Signature, SignerManager
from letters.signing import services
from tests import factories

IS_SQLITE = django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def organisation_signup(letter, name: str):
    return factories.SignupRequestFactory(
        letter=letter,
        signer_kind="organisation",
        name=name,
        email=f"office@{name.encode().hex()}.example",  # one mailbox per name
        website="",
        contact_name="A Person",
    )


def test_a_slug_taken_between_choosing_and_saving_is_chosen_again(db, monkeypatch):
    """Another writer (an import, which does not take the sign-ups' lock) saves an
    organisation under the very slug a sign-up has just chosen."""
    signup = organisation_signup(factories.LetterFactory(accepts_signups=True), "5-Rights Org")
    choose = SignerManager.unique_slug
    intruded = []

    def choose_then_lose_it(manager, name, taken=None):
        slug = choose(manager, name, taken)
        if manager.model is Organisation and not intruded:
            intruded.append(Organisation.objects.create(name="5 Rights-Org", slug=slug))
        return slug

    monkeypatch.setattr(SignerManager, "unique_slug", choose_then_lose_it)

    services.confirm(signup.links.get())

    signup.refresh_from_db()
    assert signup.signature.organisation.slug == "5-rights-org-2"
    assert intruded[0].slug == "5-rights-org"


def test_an_integrity_error_that_is_not_about_the_slug_is_not_retried(db, monkeypatch):
    choose = SignerManager.unique_slug
    calls = []

    def counted(manager, name, taken=None):
        calls.append(name)
        return choose(manager, name, taken)

    monkeypatch.setattr(SignerManager, "unique_slug", counted)

    # An empty name breaks the name check, not the slug's uniqueness.
    with pytest.raises(IntegrityError):
        services._create_signer("organisation", "", "")
    assert calls == [""]


def _confirm_in_threads(signups, monkeypatch, barrier_timeout: float) -> list[str]:
    """Confirm each sign-up in its own thread and connection, all choosing their slug at
    the same moment (each waits at a barrier right after choosing)."""
    ready = threading.Barrier(len(signups), timeout=barrier_timeout)
    choose = SignerManager.unique_slug
    first_choice = threading.local()

    def choose_together(manager, name, taken=None):
        slug = choose(manager, name, taken)
        if manager.model is Organisation and not getattr(first_choice, "done", False):
            first_choice.done = True
            # With the slug's lock, the others wait on it and choose after this one.
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.wait()
        return slug

    monkeypatch.setattr(SignerManager, "unique_slug", choose_together)
    errors: list[str] = []

    def confirm(signup) -> None:
        try:
            services.confirm(signup.links.get())
        except Exception as error:  # reported by the assertion below
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(signup,)) for signup in signups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


needs_concurrent_writers = pytest.mark.skipif(
    IS_SQLITE,
    reason="SQLite runs one write transaction at a time (transaction_mode IMMEDIATE), so "
    "two confirmations cannot race there; its in-memory test database also answers "
    "'database table is locked' to a second thread instead of waiting. The choose-again "
    "path is tested on both databases above.",
)


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_two_names_with_one_slug_confirmed_at_once_both_get_a_slug(monkeypatch):
    # Two letters: confirmations on one letter already wait for each other.
    signups = [
        organisation_signup(factories.LetterFactory(accepts_signups=True), name)
        for name in ("5-Rights Org", "5 Rights & Org")
    ]

    errors = _confirm_in_threads(signups, monkeypatch, barrier_timeout=3)

    assert errors == []
    slugs = sorted(Organisation.objects.values_list("slug", flat=True))
    assert slugs == ["5-rights-org", "5-rights-org-2"]
    assert Signature.objects.count() == 2


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_race_is_still_won_by_choosing_again(monkeypatch):
    """The lock keeps sign-ups apart; imports and the admin do not take it. With it out
    of the way, both choose the same slug at the same moment and one insert fails: the
    loser chooses again instead of answering 500."""
    take_lock = services.lock
    monkeypatch.setattr(
        services, "lock", lambda key, *a: None if key.startswith("slug:") else take_lock(key, *a)
    )
    signups = [
        organisation_signup(factories.LetterFactory(accepts_signups=True), name)
        for name in ("5-Rights Org", "5 Rights & Org", "5 Rights + Org")
    ]

    errors = _confirm_in_threads(signups, monkeypatch, barrier_timeout=10)

    assert errors == []
    slugs = sorted(Organisation.objects.values_list("slug", flat=True))
    assert slugs == ["5-rights-org", "5-rights-org-2", "5-rights-org-3"]
    assert Signature.objects.count() == 3
