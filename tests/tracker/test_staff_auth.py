"""Staff logins: brute force locks out one address for a while (too many failures for one
username, or for any usernames) and nobody else; with two-factor authentication required,
a password alone does not open the admin, and the login never says which part was wrong."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-test-password"
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture
def alice(db, django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD, is_staff=True)


@pytest.fixture
def bob(db, django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD, is_staff=True)


def log_in(username: str, password: str, ip: str, *, token=None, device=None, **headers):
    """POST the admin login form from a fresh browser at `ip`; the client, logged in or not."""
    client = Client(REMOTE_ADDR=ip, headers=headers)
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    if token is not None:
        data["otp_token"] = token
    if device is not None:
        data["otp_device"] = device.persistent_id
    client.response = client.post(reverse("admin:login"), data)
    return client


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(username: str, ip: str, **headers) -> None:
    for _ in range(5):
        client = log_in(username, "wrong-password", ip, **headers)
        assert not is_logged_in(client)


# ---------------------------------------------------------------------------
# Brute force: django-axes
# ---------------------------------------------------------------------------


def test_four_failures_do_not_lock_anyone_out(alice):
    for _ in range(4):
        log_in("alice", "wrong-password", ATTACKER)

    assert is_logged_in(log_in("alice", PASSWORD, ATTACKER))


def test_five_failures_lock_that_username_from_that_address_even_with_the_right_password(alice):
    fail_five_times("alice", ATTACKER)

    client = log_in("alice", PASSWORD, ATTACKER)

    assert client.response.status_code == 429
    assert not is_logged_in(client)


def test_a_lockout_never_locks_the_same_user_elsewhere_nor_others_at_that_address(alice, bob):
    fail_five_times("alice", ATTACKER)

    assert is_logged_in(log_in("alice", PASSWORD, OFFICE))
    assert is_logged_in(log_in("bob", PASSWORD, ATTACKER))


def test_the_lockout_ends_after_the_cool_off(alice, settings):
    fail_five_times("alice", ATTACKER)
    assert not is_logged_in(log_in("alice", PASSWORD, ATTACKER))

    cooled_off = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=cooled_off)

    assert is_logged_in(log_in("alice", PASSWORD, ATTACKER))


def test_axes_reset_username_unlocks_at_once(alice):
    fail_five_times("alice", ATTACKER)

    call_command("axes_reset_username", "alice", verbosity=0)

    assert is_logged_in(log_in("alice", PASSWORD, ATTACKER))


def test_behind_a_trusted_proxy_lockouts_follow_the_forwarded_client_address(alice, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    fail_five_times("alice", proxy, **{"X-Forwarded-For": ATTACKER})

    assert not is_logged_in(log_in("alice", PASSWORD, proxy, **{"X-Forwarded-For": ATTACKER}))
    assert is_logged_in(log_in("alice", PASSWORD, proxy, **{"X-Forwarded-For": OFFICE}))


def test_many_usernames_from_one_address_lock_that_address_out(alice, bob, settings):
    """270 failed passwords from one address against as many usernames: an attacker
    guessing usernames is stopped by the address's own limit."""
    limit = settings.AXES_IP_FAILURE_LIMIT
    statuses = [
        log_in(f"guess-{n}", "wrong-password", ATTACKER).response.status_code for n in range(270)
    ]

    assert statuses[: limit - 1].count(429) == 0
    assert set(statuses[limit:]) == {429}
    assert log_in("alice", PASSWORD, ATTACKER).response.status_code == 429
    # Nobody else is locked out: not the staff at their own address.
    assert is_logged_in(log_in("alice", PASSWORD, OFFICE))
    assert is_logged_in(log_in("bob", PASSWORD, OFFICE))


def test_a_few_mistakes_by_several_staff_at_one_address_lock_nobody_out(alice, bob):
    for username in ("alice", "bob"):
        for _ in range(4):
            log_in(username, "wrong-password", OFFICE)

    assert is_logged_in(log_in("alice", PASSWORD, OFFICE))
    assert is_logged_in(log_in("bob", PASSWORD, OFFICE))


def test_forged_forwarded_addresses_do_not_dodge_a_lockout_without_a_trusted_proxy(alice):
    for n in range(5):
        log_in("alice", "wrong-password", ATTACKER, **{"X-Forwarded-For": f"192.0.2.{n}"})

    assert not is_logged_in(log_in("alice", PASSWORD, ATTACKER, **{"X-Forwarded-For": OFFICE}))


# ---------------------------------------------------------------------------
# Two-factor authentication: django-otp
# ---------------------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def alice_device(alice) -> TOTPDevice:
    return TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)


def current_token(device: TOTPDevice) -> str:
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{token:0{device.digits}d}"


def test_with_2fa_a_password_alone_is_refused(require_2fa, alice_device):
    client = log_in("alice", PASSWORD, OFFICE)

    assert client.response.status_code == 200
    assert client.response.context["form"].errors
    assert not is_logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_2fa_a_wrong_token_is_refused(require_2fa, alice_device):
    wrong = f"{(int(current_token(alice_device)) + 1) % 10**6:06d}"

    assert not is_logged_in(log_in("alice", PASSWORD, OFFICE, token=wrong))


def test_with_2fa_password_and_current_token_open_the_admin(require_2fa, alice_device):
    client = log_in("alice", PASSWORD, OFFICE, token=current_token(alice_device))

    assert client.response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("used", ["phone", "spare"])
def test_with_two_devices_a_token_from_either_logs_in_without_choosing(
    require_2fa, alice_device, used
):
    spare = TOTPDevice.objects.create(user=alice_device.user, name="spare", confirmed=True)
    device = {"phone": alice_device, "spare": spare}[used]

    client = log_in("alice", PASSWORD, OFFICE, token=current_token(device))

    assert is_logged_in(client)


def login_page_text(client: Client) -> str:
    """The login form as the browser shows it, without its per-request CSRF token."""
    html = client.response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("token", ["", "000000"], ids=["no code", "wrong code"])
def test_with_2fa_a_right_password_looks_exactly_like_a_wrong_one(require_2fa, alice_device, token):
    wrong_password = log_in("alice", "wrong-password", OFFICE, token=token)
    right_password = log_in("alice", PASSWORD, OFFICE, token=token)

    assert right_password.response.status_code == wrong_password.response.status_code == 200
    assert login_page_text(right_password) == login_page_text(wrong_password)
    assert "correct username, password and code" in login_page_text(right_password)
    assert b'name="otp_device"' not in right_password.response.content
    assert not is_logged_in(right_password)


def test_with_2fa_a_right_password_with_a_wrong_code_counts_towards_the_lockout(
    require_2fa, alice_device
):
    for _ in range(5):
        assert not is_logged_in(log_in("alice", PASSWORD, ATTACKER, token="000000"))

    client = log_in("alice", PASSWORD, ATTACKER, token=current_token(alice_device))

    assert client.response.status_code == 429
    assert not is_logged_in(client)


def test_with_2fa_a_session_never_verified_by_a_device_is_sent_to_the_login(
    require_2fa, alice, client
):
    client.force_login(alice)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_without_2fa_a_password_is_enough(alice):
    client = log_in("alice", PASSWORD, OFFICE)

    assert client.get(reverse("admin:index")).status_code == 200


# ---------------------------------------------------------------------------
# Enrolment: manage.py add_totp_device
# ---------------------------------------------------------------------------


def test_add_totp_device_prints_a_url_whose_tokens_log_in(require_2fa, alice, capsys):
    call_command("add_totp_device", "alice")

    output = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed
    assert "otpauth://totp/Open%20Letter%20Tracker%3Aalice?secret=" in output
    assert is_logged_in(log_in("alice", PASSWORD, OFFICE, token=current_token(device)))


def test_add_totp_device_replace_removes_the_lost_device(alice_device):
    call_command("add_totp_device", "alice", "--replace")

    devices = TOTPDevice.objects.filter(user=alice_device.user)
    assert devices.count() == 1
    assert devices.get().pk != alice_device.pk


def test_add_totp_device_refuses_unknown_and_non_staff_users(django_user_model, db):
    django_user_model.objects.create_user("reader", password=PASSWORD)

    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("add_totp_device", "nobody")
    with pytest.raises(CommandError, match="not staff"):
        call_command("add_totp_device", "reader")
