"""``manage.py bench_resolve_web --district CODE``: issue 8's re-solve through the real path.

What the coordinator's *Re-solve* button does, timed end to end: a change is
recorded (a coach unavailable on one day of a week; with ``--change gym`` or
``both`` also a gym closed for the whole week), ``resolve_run_enqueue``
snapshots the district with the change applied and the published version as
``previous``, and ``solve_run_execute`` (what the worker runs) solves, computes
the findings (``schedules.explain``) and stores the draft. Executed in this
process, so the time is the worker's time, without the queue's polling delay.

Printed per change and repetition: enqueue → draft stored (seconds), of which
the snapshot (enqueue), the solver (``SolveRun.elapsed``), the findings
(``report["explain"]["seconds"]``) and the rest (loading the run, storing the
draft's rows); the sessions the change takes away (*hit*: the coach's that
day, the gym's that week), the
sessions the impact report lists (added, removed, moved), coverage before and
after, and the e-mails publishing would send (``notify.impact_recipients``:
one per affected address). Nothing is published and nothing is sent.

By default the coach is the one with the most sessions on one day of the
published version and the gym the one with the most sessions (as ``python -m
solver bench-resolve`` picks), and what the
benchmark made (the change, the run, its task row, the draft) is deleted again
afterwards, so the database is as before; ``--keep`` keeps the last draft to
look at (``/schedules/CODE/versions/N/impact/``). Run it with no worker on the
database (``make run`` starts one): a worker would take the queued run first.
See docs/benchmarks.md, "Issue 8: re-solve".
"""

from __future__ import annotations

import datetime
import os
import platform
import time
from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from schedules import notify
from schedules.impact import diff_impact
from schedules.models import ScheduleChange, ScheduleVersion, Session, SolveRun
from schedules.selectors import schedule_version_published, version_diff
from schedules.services import SolveRunError, solve_run_execute
from schedules.services_changes import resolve_run_enqueue, schedule_change_create
from schools.models import Coach, District, Room

TARGET_SECONDS = 20
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Command(BaseCommand):
    help = (
        "Times a re-solve after 'coach unavailable for one day' through the services "
        "(enqueue, then the worker's execute in this process) on a district with a "
        "published version; prints seconds (total, solver, findings), sessions changed "
        "and e-mails that publishing would send. Deletes what it made unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", default="zuid", help="District code (default: zuid).")
        parser.add_argument(
            "--coach", help="Coach code; default: the coach with the most sessions on one day."
        )
        parser.add_argument("--day", choices=DAYS, help="With --coach: the day they are away.")
        parser.add_argument(
            "--week-of",
            type=datetime.date.fromisoformat,
            default=datetime.date(2026, 12, 7),
            help="A date of the week the re-solve is for (default: 2026-12-07).",
        )
        parser.add_argument(
            "--time-limit",
            type=int,
            default=TARGET_SECONDS,
            help=f"The run's time limit in seconds (default: {TARGET_SECONDS}).",
        )
        parser.add_argument(
            "--change",
            choices=("coach", "gym", "both"),
            default="coach",
            help="Coach unavailable for a day, gym closed for the week, or both (default: coach).",
        )
        parser.add_argument("--repeat", type=int, default=1, help="Repetitions (default: 1).")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the last run's change, run and draft."
        )

    def handle(self, *args, **options):
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f'No district "{options["district"]}" (make run loads zuid).')
        published = schedule_version_published(district=district)
        if published is None:
            raise CommandError(f"{district.code} has no published version to re-solve from.")
        monday = options["week_of"] - datetime.timedelta(days=options["week_of"].weekday())
        changes = []
        if options["change"] in ("coach", "both"):
            coach, day = self._coach_day(published, options["coach"], options["day"])
            date = monday + datetime.timedelta(days=DAYS.index(day))
            changes.append(
                (
                    f"coach {coach.code} away on {day}",
                    {
                        "kind": ScheduleChange.Kind.COACH_UNAVAILABLE,
                        "coach": coach,
                        "starts_on": date,
                        "ends_on": date,
                    },
                    Session.objects.filter(version=published, coaches=coach, day=day).count(),
                )
            )
        if options["change"] in ("gym", "both"):
            gym = self._gym(published)
            changes.append(
                (
                    f"gym {gym.site.code} {gym.name} closed all week",
                    {
                        "kind": ScheduleChange.Kind.ROOM_CLOSED,
                        "room": gym,
                        "starts_on": monday,
                        "ends_on": monday + datetime.timedelta(days=6),
                    },
                    Session.objects.filter(version=published, room=gym).count(),
                )
            )

        load = os.getloadavg()
        self.stdout.write(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; load average {load[0]:.2f} {load[1]:.2f} "
            f"{load[2]:.2f}; {timezone.localdate():%Y-%m-%d}"
        )
        self.stdout.write(
            f"District {district.code}: published version {published.number}, "
            f"{Session.objects.filter(version=published).count()} sessions, "
            f"{published.coverage:.2%} coverage; week of {monday:%Y-%m-%d}; "
            f"time limit {options['time_limit']} s; nothing is published or sent"
        )
        header = (
            "| change | enqueue → stored (s) | enqueue (s) | solver (s) | findings (s) | rest (s) "
            "| CPU (s) | coverage after | hit | sessions changed (added / removed / moved) "
            "| changed ÷ hit | schools touched / untouched | e-mails |"
        )
        self.stdout.write(header)
        self.stdout.write("|" + "---|" * header.count(" |"))
        for number, (name, change, hit) in enumerate(changes, 1):
            for repetition in range(1, options["repeat"] + 1):
                last = number == len(changes) and repetition == options["repeat"]
                keep = options["keep"] and last
                row = self._once(
                    district=district,
                    published=published,
                    change=change,
                    monday=monday,
                    hit=hit,
                    time_limit=options["time_limit"],
                    keep=keep,
                )
                self.stdout.write(f"| {name} | " + " | ".join(row) + " |")
        load = os.getloadavg()
        self.stdout.write(f"Load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    def _coach_day(self, published: ScheduleVersion, code: str | None, day: str | None):
        links = Session.coaches.through.objects.filter(session__version=published)
        if code:
            coach = Coach.objects.filter(district_id=published.district_id, code=code).first()
            if coach is None:
                raise CommandError(f'No coach "{code}" in the district.')
            links = links.filter(coach=coach)
        busy = Counter(links.values_list("coach_id", "session__day"))
        if day:
            busy = Counter({key: n for key, n in busy.items() if key[1] == day})
        if not busy:
            raise CommandError("The published version has no session of that coach (that day).")
        (coach_id, busiest), _n = max(busy.items(), key=lambda kv: (kv[1], -kv[0][0]))
        return Coach.objects.get(pk=coach_id), busiest

    def _gym(self, published: ScheduleVersion) -> Room:
        """The gym that holds the most sessions of the published version."""
        used = Counter(
            Session.objects.filter(version=published, room__kinds__code="gym").values_list(
                "room_id", flat=True
            )
        )
        if not used:
            raise CommandError("The published version has no session in a gym.")
        (room_id, _n) = max(used.items(), key=lambda kv: (kv[1], -kv[0]))
        return Room.objects.select_related("site").get(pk=room_id)

    def _once(self, *, district, published, change, monday, hit, time_limit, keep):
        change = schedule_change_create(
            district=district, user=None, note="bench_resolve_web", **change
        )
        run = None
        try:
            cpu = time.process_time()
            started = time.perf_counter()
            run = resolve_run_enqueue(
                district=district, user=None, time_limit=time_limit, week_of=monday
            )
            enqueued = time.perf_counter()
            run = solve_run_execute(run_id=run.pk)
            stored = time.perf_counter()
            cpu = time.process_time() - cpu
            if run.status != SolveRun.Status.SUCCEEDED:
                raise CommandError(f"The re-solve {run.status}: {run.error}")
            version = run.version
            findings = (version.report or {}).get("explain", {}).get("seconds") or 0.0
            diff = version_diff(old=published, new=version)
            impact = diff_impact(diff=diff, district=district, show_names=False)
            emails = len(notify.impact_recipients(impact=impact, district_id=district.pk))
            changed = len(diff.added) + len(diff.removed) + len(diff.moved)
            total = stored - started
            solver = run.elapsed or 0.0
            store = total - (enqueued - started) - solver - findings
            return [
                f"{total:.1f}" + (" ✓" if total <= TARGET_SECONDS else " ✗"),
                f"{enqueued - started:.1f}",
                f"{solver:.1f}",
                f"{findings:.1f}",
                f"{store:.1f}",
                f"{cpu:.1f}",
                f"{100 * version.coverage:.2f}%",
                str(hit),
                f"{changed} ({len(diff.added)} / {len(diff.removed)} / {len(diff.moved)})",
                f"{changed / hit:.1f}×" if hit else "-",
                f"{len(impact.schools)} / {len(impact.untouched)}",
                str(emails),
            ]
        except SolveRunError as error:
            raise CommandError(str(error)) from error
        finally:
            if not keep:
                self._clean(change=change, run=run)

    def _clean(self, *, change: ScheduleChange, run: SolveRun | None) -> None:
        """Deletes what one repetition made: its change, run, task row and draft."""
        with transaction.atomic():
            if run is not None:
                ScheduleVersion.objects.filter(run_id=run.pk).delete()
                if run.task_id and apps.is_installed("django_tasks_db"):
                    from django_tasks_db.models import DBTaskResult

                    DBTaskResult.objects.filter(pk=run.task_id).delete()
                SolveRun.objects.filter(pk=run.pk).delete()
            ScheduleChange.objects.filter(pk=change.pk).delete()
