"""Background tasks: thin, they load by id and call a service (enqueued on commit by services)."""

from __future__ import annotations

from django_tasks import task

from schedules.services import solve_run_execute


@task()
def solve_run_task(run_id: int) -> str:
    """Solves one run in a worker (``db_worker`` or an RQ worker); returns the run's status."""
    return solve_run_execute(run_id=run_id).status
