"""Give a user a TOTP device for two-factor admin login, and show it to scan."""

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Enrol a TOTP authenticator for USER: prints the otpauth:// address and a QR code to "
        "scan. From then on the admin asks this user for a code at every login."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="Replace a device the user already has."
        )
        parser.add_argument("--no-qr", action="store_true", help="Print the address only.")

    def handle(self, *args, username, replace, no_qr, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise CommandError(f"{username} already has a device; --replace to give a new one.")
        existing.delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        self.stdout.write(f"Device enrolled for {username}. Scan this in an authenticator app:")
        self.stdout.write(device.config_url)
        if not no_qr:
            qr = segno.make(device.config_url)
            qr.terminal(out=self.stdout._out, compact=True)
