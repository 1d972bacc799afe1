"""The CP-SAT solver an engine stage starts: on the clock, or reproducibly."""

from __future__ import annotations

from ortools.sat.python import cp_model


def cp_solver(limit: float, workers: int, seed: int, *, deterministic: bool) -> cp_model.CpSolver:
    """A solver stopped after ``limit`` seconds, or after ``limit`` of deterministic time.

    Reproducible runs search on one interleaved worker and stop on their
    deterministic budget; the clock stays only as a safety net at ten times
    that, since a busy machine that ended the search first would change the
    result.
    """
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    if deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = limit
        solver.parameters.max_time_in_seconds = 10 * limit
    else:
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = limit
    return solver
