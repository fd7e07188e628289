"""Named records every test package may ask for (personas), and the settings each test
starts from. Package-specific ones live in that package's conftest.py."""

import warnings

import pytest

from letters.models import Letter
from tests import factories
from tests.demo_snapshot import DemoSnapshot, SnapshotUnusable, load_demo_data
from tests.helpers import NSPCC_SLUG, TEST_CACHES, TEST_TASKS


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot | None:
    """What `load_demo` writes, loaded once per session (tests/demo_snapshot.py)."""
    with django_db_blocker.unblock():
        try:
            return DemoSnapshot.take()
        except SnapshotUnusable as reason:
            warnings.warn(f"every demo test loads the demo itself: {reason}", stacklevel=1)
            return None


@pytest.fixture
def demo_data(db, demo_snapshot) -> None:
    """The real demo fixtures, as `make run` loads them."""
    load_demo_data(demo_snapshot)


@pytest.fixture
def nspcc_letter(demo_data) -> Letter:
    return Letter.objects.get(slug=NSPCC_SLUG)


@pytest.fixture
def published_letter(db) -> Letter:
    return factories.LetterFactory(title="Letter to a platform", slug="letter-to-a-platform")


@pytest.fixture
def draft_letter(db) -> Letter:
    return factories.LetterFactory(
        title="Unpublished letter", slug="unpublished-letter", visibility="draft"
    )


@pytest.fixture
def hosted(db) -> Letter:
    """A published letter that takes sign-ups on this site."""
    return factories.LetterFactory(
        title="Hosted letter", slug="hosted-letter", accepts_signups=True
    )


@pytest.fixture
def curator(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "curator", "curator@example.org", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def five_rights(db):
    """A charity published under two names: '5Rights Foundation' and '5 Rights'."""
    organisation = factories.OrganisationFactory(
        name="5Rights Foundation", slug="5rights-foundation", country="GB"
    )
    factories.OrganisationAliasFactory(organisation=organisation, name="5 Rights")
    return organisation


@pytest.fixture
def sofia(db):
    """A person whose name carries accents: found by 'sofia nunez' as well."""
    return factories.PersonFactory(name="Sofía Núñez", slug="sofia-nunez", country="ES")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Staff logins in tests need no slow, secure hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def isolated_page_cache(settings):
    """Each test gets an empty in-memory cache and, unless it turns it on, no page cache."""
    settings.CACHES = TEST_CACHES
    settings.PAGE_CACHE_SECONDS = 0
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks run at once, in the test's thread and transaction (django-tasks'
    immediate backend); tests/jobs/test_real_worker.py runs them in a real worker."""
    settings.TASKS = TEST_TASKS
