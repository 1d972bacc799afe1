"""``manage.py fail_stale_runs [--older-than S]``: mark runs whose worker died as failed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from schedules.services import solve_runs_fail_stale


class Command(BaseCommand):
    help = "Mark running solve runs without a recent heartbeat (their worker died) as failed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=settings.SCHEDULES_STALE_AFTER_SECONDS,
            help="seconds without a heartbeat (default: SCHEDULES_STALE_AFTER_SECONDS)",
        )

    def handle(self, *args, older_than, **options):
        count = solve_runs_fail_stale(older_than=datetime.timedelta(seconds=older_than))
        self.stdout.write(f"{count} stale solve run(s) marked failed.")
