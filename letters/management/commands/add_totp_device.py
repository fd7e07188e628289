"""Enrol a staff member for two-factor login: a confirmed TOTP device and its otpauth:// URL."""

from base64 import b32encode
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Give a staff user a TOTP device and print its otpauth:// URL: open it, or type the "
        "secret, in an authenticator app. The URL is a secret: share it with that user only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Authenticator app", help="A label for the device in the admin."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the user's other TOTP devices first (a lost or replaced phone).",
        )

    def handle(self, *args: Any, username: str, name: str, replace: bool, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username} is not staff: only staff log in to the admin.")

        with transaction.atomic():
            if replace:
                TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)

        self.stdout.write(f"TOTP device {device.name!r} added for {username}.")
        self.stdout.write("Open this URL on their phone, or scan it as a QR code:")
        self.stdout.write(device.config_url)
        self.stdout.write(f"Or type this secret into the app: {b32encode(device.bin_key).decode()}")
