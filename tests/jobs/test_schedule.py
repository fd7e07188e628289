"""The schedule: each periodic task is queued once per period, however many workers'
schedulers look, and the periodic work (anonymising, link checks) actually runs."""

from datetime import UTC, datetime, timedelta

from letters.jobs import schedule
from letters.models import Job, JobStatus, PeriodicTask, SignupRequest
from tests import factories

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, 30, tzinfo=UTC)


def test_periods_start_at_round_times():
    assert schedule.period_start(MONDAY_NOON, timedelta(minutes=1)) == MONDAY_NOON.replace(second=0)
    assert schedule.period_start(MONDAY_NOON, timedelta(days=1)) == datetime(
        2026, 11, 30, tzinfo=UTC
    )
    # Weeks start on Mondays.
    assert schedule.period_start(MONDAY_NOON + timedelta(days=3), timedelta(days=7)) == (
        datetime(2026, 11, 30, tzinfo=UTC)
    )


def test_a_task_first_seen_waits_for_the_next_period(db):
    assert schedule.enqueue_due(MONDAY_NOON) == []

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names == {
        "sweep",
        "anonymise-signups",
        "prune-task-results",
        "daily-notifications",
        "forget-subscriptions",
        "check-source-links",
    }


def test_each_period_is_queued_once_however_many_schedulers_look(db):
    schedule.enqueue_due(MONDAY_NOON)
    a_minute_later = MONDAY_NOON + timedelta(minutes=1)

    first = schedule.enqueue_due(a_minute_later)
    second = schedule.enqueue_due(a_minute_later)  # another worker's scheduler

    assert first == ["sweep"]
    assert second == []
    tomorrow = MONDAY_NOON + timedelta(days=1)
    assert set(schedule.enqueue_due(tomorrow)) == {
        "sweep",
        "anonymise-signups",
        "prune-task-results",
        "daily-notifications",
        "forget-subscriptions",
    }


def test_a_worker_down_for_days_runs_the_current_period_once(db):
    schedule.enqueue_due(MONDAY_NOON)

    queued = schedule.enqueue_due(MONDAY_NOON + timedelta(days=3))

    assert queued.count("anonymise-signups") == 1


def test_the_daily_run_anonymises_old_sign_ups(db, hosted):
    old = factories.SignupRequestFactory(letter=hosted, email="old@example.org")
    SignupRequest.objects.filter(pk=old.pk).update(created_at=MONDAY_NOON - timedelta(days=200))
    schedule.enqueue_due(MONDAY_NOON)

    schedule.enqueue_due(MONDAY_NOON + timedelta(days=1))

    old.refresh_from_db()
    assert (old.email, old.anonymised_at is not None) == ("", True)


def test_the_weekly_link_check_is_a_job_and_never_two_at_once(db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    from letters.curation.tasks import check_all_source_links

    first = check_all_source_links.call()
    second = check_all_source_links.call()  # next week, the first still running

    assert first == second
    job = Job.objects.get()
    assert (job.name, job.status) == ("Check every source link", JobStatus.QUEUED)


def test_link_checks_can_be_turned_off(db, settings):
    settings.LINK_CHECK_EVERY_DAYS = 0

    assert "check-source-links" not in {p.name for p in schedule.periodic_tasks()}
