"""`manage.py load_demo`: build (or bring back) the fictional demo world of vendorrisk/demo/."""

import os

from django.core.management.base import BaseCommand

from vendorrisk.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the fictional demo scenario (labs, vendors, engagements, incidents, assessments) and the demo "
        "users admin, security, procurement, viewer and analyst. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help="Password for every demo user (default: $DEMO_PASSWORD, else 'admin').",
        )

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("DEMO_PASSWORD") or "admin"
        summary = load_demo(password=password)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Demo loaded. Sign in as admin (or security, procurement, viewer, analyst).")
        )
