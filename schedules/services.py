"""Writes of the schedules app: one ``<entity>_<action>`` function per state change.

The life of a solve::

    solve_run_enqueue   snapshot the district's instance, create the run, enqueue on commit
    solve_run_execute   (in a worker) claim the run, solve with progress and heartbeat,
                        store a draft version with its sessions in bulk
    solve_run_cancel    stop a queued or running run (checked on each progress report)
    solve_runs_fail_stale   runs whose worker stopped writing its heartbeat become failed
    schedule_version_publish   the one way to publish: one transaction, old one superseded,
                        changed sessions marked and the people affected e-mailed (``notify``)

A failed or cancelled run never touches a published version.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import traceback
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from schedules import notify
from schedules.explain import resolve_previous, run_findings_build, sessions_real
from schedules.models import ScheduleVersion, Session, SessionPupil, SolveRun
from schools.models import Activity, District
from schools.selectors import district_instance_build
from solver.engine import Progress, SolveResult, solve
from solver.instance import Instance, InstanceError

log = logging.getLogger(__name__)

TIME_LIMIT_CHOICES = (30, 60, 120)
PROGRESS_SAVE_SECONDS = 0.5
LOG_MAX_LINES = 500


class SolveRunError(Exception):
    """A solve cannot start; the message says why in the coordinator's words."""


class PublishConflict(Exception):
    """Publishing lost against another coordinator or the version is no longer a draft."""


class WhatIfNotPublishable(PublishConflict):
    """The draft of a what-if run: solved on hypothetical changes, never to be published."""


class _RunStopped(Exception):
    """Raised from the progress callback when the run was cancelled or failed meanwhile."""


# ---------------------------------------------------------------------------
# Solve runs
# ---------------------------------------------------------------------------


def solve_run_create(*, district: District, user, time_limit: int) -> SolveRun:
    """A queued run with a validated snapshot of the district's instance (no task yet)."""
    if time_limit <= 0:
        raise SolveRunError(_("The time limit must be at least one second."))
    if SolveRun.objects.filter(district=district, status__in=SolveRun.ACTIVE).exists():
        raise SolveRunError(
            _("A solve of %(district)s is already queued or running; wait for it or cancel it.")
            % {"district": district.name}
        )
    instance = district_instance_build(district=district)
    try:
        Instance.from_dict(instance)
    except InstanceError as error:
        raise SolveRunError(
            _("The district's data cannot be solved yet: %(problems)s")
            % {"problems": "; ".join(error.problems[:10])}
        ) from error
    return SolveRun.objects.create(
        district=district,
        requested_by=user if user is not None and user.is_authenticated else None,
        time_limit=time_limit,
        instance=instance,
    )


def solve_run_enqueue(*, district: District, user, time_limit: int) -> SolveRun:
    """Snapshots the instance now and hands the run to a worker once the transaction commits."""
    with transaction.atomic():
        run = solve_run_create(district=district, user=user, time_limit=time_limit)
        solve_run_enqueue_on_commit(run=run)
    return run


def solve_run_enqueue_on_commit(*, run: SolveRun) -> None:
    """Hands ``run`` to a worker once the current transaction commits (never a run that
    was rolled back), and records the task id."""
    from schedules.tasks import solve_run_task

    def enqueue() -> None:
        result = solve_run_task.enqueue(run_id=run.pk)
        SolveRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        run.task_id = str(result.id)

    transaction.on_commit(enqueue)


def solve_run_cancel(*, run: SolveRun) -> bool:
    """Cancels a queued or running run; False if it had already finished.

    A running solve notices at its next progress report and stores nothing.
    """
    updated = SolveRun.objects.filter(pk=run.pk, status__in=SolveRun.ACTIVE).update(
        status=SolveRun.Status.CANCELLED, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return bool(updated)


def solve_runs_fail_stale(*, older_than: datetime.timedelta | None = None) -> int:
    """Marks running runs whose heartbeat is older than ``older_than`` as failed; returns how many."""
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.SCHEDULES_STALE_AFTER_SECONDS)
    now = timezone.now()
    cutoff = now - older_than
    return SolveRun.objects.filter(status=SolveRun.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=SolveRun.Status.FAILED,
        finished_at=now,
        error=_(
            "The worker stopped answering (no heartbeat for %(seconds)s seconds); "
            "nothing was stored. Solve again."
        )
        % {"seconds": int(older_than.total_seconds())},
    )


class _Heartbeat(threading.Thread):
    """Writes the run's heartbeat every few seconds while the solver thinks."""

    def __init__(self, run_id: int, interval: float):
        super().__init__(name=f"solve-run-{run_id}-heartbeat", daemon=True)
        self.run_id = run_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                SolveRun.objects.filter(pk=self.run_id, status=SolveRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # the solve goes on; a stale heartbeat will show
            log.exception("heartbeat of solve run %s failed", self.run_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


class _ProgressWriter:
    """The solver's ``on_progress``: saves progress at most every 0.5 s, stops a cancelled run."""

    def __init__(self, run: SolveRun):
        self.run = run
        self.lines: list[str] = []
        self.last_save = 0.0

    def __call__(self, progress: Progress) -> None:
        self.lines.append(
            f"{progress.elapsed:7.1f}s  {progress.stage:<24} "
            f"coverage {progress.coverage:.2%}  penalty {progress.penalty:.1f}"
        )
        self.lines = self.lines[-LOG_MAX_LINES:]
        now = time.monotonic()
        if now - self.last_save >= PROGRESS_SAVE_SECONDS:
            self.last_save = now
            still_running = SolveRun.objects.filter(
                pk=self.run.pk, status=SolveRun.Status.RUNNING
            ).update(
                elapsed=progress.elapsed,
                coverage=progress.coverage,
                penalty=progress.penalty,
                stage=progress.stage[:100],
                heartbeat_at=timezone.now(),
                log="\n".join(self.lines),
            )
        else:
            still_running = SolveRun.objects.filter(
                pk=self.run.pk, status=SolveRun.Status.RUNNING
            ).exists()
        if not still_running:
            raise _RunStopped


def solve_run_execute(*, run_id: int) -> SolveRun:
    """Solves a queued run and stores a draft version; records a failure instead of raising.

    The run is claimed atomically (queued -> running), so a second worker or a
    retried task does nothing. Published versions are never touched here.
    """
    now = timezone.now()
    claimed = SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.QUEUED).update(
        status=SolveRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    run = SolveRun.objects.get(pk=run_id)
    if not claimed:
        log.info("solve run %s is %s; not running it", run_id, run.status)
        return run

    heartbeat = _Heartbeat(run.pk, settings.SCHEDULES_HEARTBEAT_SECONDS)
    heartbeat.start()
    writer = _ProgressWriter(run)
    try:
        instance = Instance.from_dict(run.instance)
        result = solve(
            instance,
            time_limit=run.time_limit,
            workers=settings.SCHEDULES_SOLVER_WORKERS,
            on_progress=writer,
        )
        # Shortfalls in the coordinator's words, stored with the draft (issue 7); for a
        # re-solve, read at the schools it changed (issue 8).
        findings = run_findings_build(
            instance=instance,
            solution=result.solution,
            report=result.report,
            previous=resolve_previous(run=run),
        )
        heartbeat.stop()
        _version_store(run=run, result=result, log_lines=writer.lines, findings=findings)
    except _RunStopped:
        log.info("solve run %s stopped (status changed while solving)", run_id)
    except Exception as error:
        log.exception("solve run %s failed", run_id)
        _run_fail(run_id, f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=8)}")
        SolveRun.objects.filter(pk=run_id).update(log="\n".join(writer.lines))
    except BaseException:  # the worker is shutting down (SIGTERM, Ctrl-C): say so, then stop
        _run_fail(run_id, _("The worker was stopped during the solve; nothing was stored."))
        raise
    finally:
        heartbeat.stop()
    run.refresh_from_db()
    return run


def _run_fail(run_id: int, error: str) -> None:
    SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.RUNNING).update(
        status=SolveRun.Status.FAILED, finished_at=timezone.now(), error=error
    )


def _version_store(
    *, run: SolveRun, result: SolveResult, log_lines: list[str], findings: dict | None = None
) -> ScheduleVersion:
    """The draft version of a finished run, its sessions and pupil links in bulk, in one transaction."""
    report = result.report
    sessions = result.solution.sessions
    if run.is_what_if:  # hypothetical rooms and coaches have no rows
        sessions = sessions_real(sessions)
    with transaction.atomic():
        # Lock the district so two runs never take the same version number.
        District.objects.select_for_update().get(pk=run.district_id)
        locked = SolveRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != SolveRun.Status.RUNNING:
            raise _RunStopped
        number = (
            ScheduleVersion.objects.filter(district_id=run.district_id).aggregate(n=Max("number"))[
                "n"
            ]
            or 0
        ) + 1
        version = ScheduleVersion.objects.create(
            district_id=run.district_id,
            run=run,
            number=number,
            report={**report.to_dict(), "explain": findings or {}},
            solution=result.solution.to_dict(),
            coverage=report.coverage,
            unmet_minutes=report.unmet_minutes,
            penalty=report.penalty,
            penalty_terms={"raw": report.soft_raw, "weighted": report.soft_weighted},
        )
        _sessions_store(version=version, sessions=sessions)
        SolveRun.objects.filter(pk=run.pk).update(
            status=SolveRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            elapsed=result.seconds,
            coverage=report.coverage,
            penalty=report.penalty,
            stage="done",
            heartbeat_at=timezone.now(),
            log="\n".join(log_lines),
        )
    return version


def _pk(solver_id: str, prefix: str) -> int:
    if not solver_id.startswith(prefix) or not solver_id[len(prefix) :].isdigit():
        raise ValueError(f'unexpected id "{solver_id}" (expected {prefix}<number>)')
    return int(solver_id[len(prefix) :])


def _clock(minutes: int) -> datetime.time:
    if not 0 <= minutes < 24 * 60:
        raise ValueError(f"a session time of {minutes} minutes cannot be stored as a clock time")
    return datetime.time(minutes // 60, minutes % 60)


def _sessions_store(*, version: ScheduleVersion, sessions) -> None:
    """Maps solver ids back to rows (see ``schools.selectors``) and writes everything in bulk."""
    activities = dict(
        Activity.objects.filter(district_id=version.district_id).values_list("code", "pk")
    )
    rows = Session.objects.bulk_create(
        Session(
            version=version,
            activity_id=activities[s.activity],
            day=s.day,
            start=_clock(s.start),
            end=_clock(s.end),
            room_id=_pk(s.room, "r"),
            pinned=s.pinned,
        )
        for s in sessions
    )
    _links_insert(
        Session.coaches.through,
        "session",
        "coach",
        [
            (row.pk, _pk(coach, "c"))
            for row, s in zip(rows, sessions, strict=True)
            for coach in s.coaches
        ],
    )
    _links_insert(
        SessionPupil,
        "session",
        "pupil",
        [
            (row.pk, _pk(pupil, "p"))
            for row, s in zip(rows, sessions, strict=True)
            for pupil in s.pupils
        ],
    )


def _links_insert(model, first: str, second: str, pairs: list[tuple[int, int]]) -> None:
    """Rows of a table of two foreign keys (coach or pupil in a session) in one ``executemany``.

    A district's version has ~75,000 pupil links; ``bulk_create`` builds a model
    and prepares every value of each of them, which took 2–3 s of a 20 s
    re-solve (docs/benchmarks.md, "Issue 8: re-solve"). The values are integer
    keys of rows this transaction just wrote or read, so nothing is lost by
    inserting them as they are.
    """
    if not pairs:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = f"{quote(meta.get_field(first).column)}, {quote(meta.get_field(second).column)}"
    # Names from the model's own metadata, quoted; the values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------

_CURRENT = object()


def schedule_version_publish(
    *, version: ScheduleVersion, user, expected_published: Any = _CURRENT
) -> ScheduleVersion:
    """Publishes a draft in one transaction; the version published before becomes superseded.

    ``expected_published`` is the published version (or None) the coordinator
    reviewed the draft against; by default the one published when this is
    called. If another coordinator published meanwhile, this raises
    :class:`PublishConflict` and changes nothing.
    """
    if expected_published is _CURRENT:
        expected_published = (
            ScheduleVersion.objects.filter(
                district_id=version.district_id, status=ScheduleVersion.Status.PUBLISHED
            )
            .values_list("pk", flat=True)
            .first()
        )
    elif isinstance(expected_published, ScheduleVersion):
        expected_published = expected_published.pk
    try:
        with transaction.atomic():
            District.objects.select_for_update().get(pk=version.district_id)
            versions = {
                v.pk: v
                for v in ScheduleVersion.objects.select_for_update().filter(
                    district_id=version.district_id
                )
            }
            current = versions.get(version.pk)
            if current is None or current.status != ScheduleVersion.Status.DRAFT:
                raise PublishConflict(
                    _("Version %(number)s is no longer a draft; it cannot be published.")
                    % {"number": version.number}
                )
            hypothetical = (
                SolveRun.objects.filter(pk=current.run_id).values_list("what_if", flat=True).first()
            )
            if hypothetical:
                raise WhatIfNotPublishable(
                    _(
                        "Version %(number)s is a what-if: it was solved on hypothetical changes "
                        "to a copy of the data and can never be published. Change the real data "
                        "and solve again to publish such a schedule."
                    )
                    % {"number": version.number}
                )
            published = [
                v for v in versions.values() if v.status == ScheduleVersion.Status.PUBLISHED
            ]
            if (published[0].pk if published else None) != expected_published:
                raise PublishConflict(
                    _(
                        "Another coordinator published version %(number)s a moment ago. "
                        "Nothing was changed; review the differences with it and publish again."
                    )
                    % {"number": published[0].number if published else "?"}
                )
            for old in published:
                old.status = ScheduleVersion.Status.SUPERSEDED
                old.save(update_fields=["status"])
            current.status = ScheduleVersion.Status.PUBLISHED
            current.published_by = user if user is not None and user.is_authenticated else None
            current.published_at = timezone.now()
            current.save(update_fields=["status", "published_by", "published_at"])
            if published:  # replacing a published schedule: mark what changed, tell who it touches
                impact = notify.schedule_version_changes_mark(old=published[0], new=current)
                transaction.on_commit(
                    lambda: notify.schedule_version_changes_notify(impact=impact, version=current)
                )
    except IntegrityError as error:  # the database's one-published rule, as a last line
        raise PublishConflict(
            _("Another coordinator published a version at the same moment. Nothing was changed.")
        ) from error
    version.refresh_from_db()
    return version
