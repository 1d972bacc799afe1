"""``manage.py solve_district CODE [--time-limit S] [--wait]``: solve a district from the shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from schedules.models import ScheduleVersion, SolveRun
from schedules.services import (
    SolveRunError,
    solve_run_create,
    solve_run_enqueue,
    solve_run_execute,
    solve_runs_fail_stale,
)
from schools.models import District


class Command(BaseCommand):
    help = (
        "Solve a district: enqueue a solve run for the task worker, or with --wait solve it "
        "in this process and print the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the district's code")
        parser.add_argument(
            "--time-limit", type=int, default=60, help="seconds the solver may use (default 60)"
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="solve here and now (no worker needed) and print the stored version",
        )
        parser.add_argument(
            "--skip-if-published",
            action="store_true",
            help="do nothing when the district already has a published version",
        )
        parser.add_argument(
            "--skip-if-pending",
            action="store_true",
            help="do nothing while a run is queued or running or a draft awaits review",
        )

    def handle(self, *args, code, time_limit, wait, skip_if_published, skip_if_pending, **options):
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(f'No district has the code "{code}".')
        if (
            skip_if_published
            and ScheduleVersion.objects.filter(
                district=district, status=ScheduleVersion.Status.PUBLISHED
            ).exists()
        ):
            self.stdout.write(f"{district.code}: a version is published already; not solving.")
            return
        solve_runs_fail_stale()
        if skip_if_pending and (
            SolveRun.objects.filter(district=district, status__in=SolveRun.ACTIVE).exists()
            or ScheduleVersion.objects.filter(
                district=district, status=ScheduleVersion.Status.DRAFT
            ).exists()
        ):
            self.stdout.write(
                f"{district.code}: a solve is under way or a draft awaits review; not solving."
            )
            return
        try:
            if not wait:
                run = solve_run_enqueue(district=district, user=None, time_limit=time_limit)
                self.stdout.write(
                    f"{district.code}: solve run {run.pk} queued ({time_limit} s); "
                    "a task worker (manage.py db_worker) will pick it up."
                )
                return
            run = solve_run_create(district=district, user=None, time_limit=time_limit)
        except SolveRunError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{district.code}: solving run {run.pk} ({time_limit} s)...")
        run = solve_run_execute(run_id=run.pk)
        if run.status != SolveRun.Status.SUCCEEDED:
            raise CommandError(
                f"{district.code}: solve run {run.pk} {run.status}: {run.error.splitlines()[0] if run.error else ''}"
            )
        version = run.version
        self.stdout.write(
            self.style.SUCCESS(
                f"{district.code}: draft version {version.number} stored: coverage "
                f"{version.coverage:.2%}, unmet {version.unmet_minutes} min, penalty "
                f"{version.penalty:.1f}, {version.sessions.count()} sessions "
                f"({run.elapsed:.1f} s)."
            )
        )
