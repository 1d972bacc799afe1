"""``python -m solver``: check, generate, solve and bench from the command line.

Each subcommand lives with its subject; this module only parses arguments.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

# subcommand -> (module, function taking the parsed arguments, returning an exit code)
COMMANDS = {
    "check": ("solver.checker", "command_check"),
    "generate": ("solver.generator", "command_generate"),
    "solve": ("solver.engine", "command_solve"),
    "bench": ("solver.bench", "command_bench"),
    "bench-resolve": ("solver.bench_resolve", "command_bench_resolve"),
    "explain": ("solver.explain", "command_explain"),
    "bounds": ("solver.bounds", "command_bounds"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m solver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check a solution against an instance")
    check.add_argument("instance")
    check.add_argument("solution")
    check.add_argument("--json", action="store_true", help="print the report as JSON")

    generate = sub.add_parser("generate", help="write a generated instance")
    generate.add_argument("--scenario", required=True)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("-o", "--output", required=True)
    generate.add_argument("--witness", help="also write the solution the scenario was built around")

    solve = sub.add_parser("solve", help="solve an instance")
    solve.add_argument("instance")
    solve.add_argument("-o", "--output", required=True)
    solve.add_argument("--time-limit", type=float, default=60.0)
    solve.add_argument("--workers", type=int, default=2)
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--previous", help="a solution to stay close to (pins kept)")
    solve.add_argument("--deterministic", action="store_true")
    solve.add_argument("--quiet", action="store_true")
    solve.add_argument("--explain", action="store_true", help="then say why minutes are unmet")
    solve.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of --explain")

    explain = sub.add_parser("explain", help="what is short, why, and what would fix it")
    explain.add_argument("instance")
    explain.add_argument("solution", nargs="?", help="also attribute this solution's unmet minutes")
    explain.add_argument("--lang", choices=("nl", "en"), default="nl")
    explain.add_argument("--json", action="store_true", help="print the findings as JSON")

    bounds = sub.add_parser("bounds", help="provable lower bounds on each soft term")
    bounds.add_argument("instance")
    bounds.add_argument("--json", action="store_true", help="print the bounds as JSON")

    bench = sub.add_parser("bench", help="benchmark the engine on the generated scenarios")
    bench.add_argument("--scenarios", default="school,district,tight,short")
    bench.add_argument("--time-limit", type=float, default=60.0)
    bench.add_argument("--workers", type=int, default=2)
    bench.add_argument("--seed", type=int, default=1)
    bench.add_argument("--peer", help="also run a peer solver (fet)")
    bench.add_argument(
        "--engine-time-limit",
        type=float,
        default=60.0,
        help="with --peer: the engine's limit for the solve whose sessions make the projection",
    )
    bench.add_argument(
        "--schools",
        help="with --peer: also compare on P cut to the first N schools (e.g. 5,10,15,20)",
    )
    bench.add_argument(
        "--each-school",
        action="store_true",
        help="with --peer: also compare on each school's part of P alone",
    )
    bench.add_argument(
        "--reproducible",
        action="store_true",
        help="with --peer: the engine run that makes P on deterministic time, so that a "
        "scenario and seed give the same P on any machine and load",
    )

    resolve = sub.add_parser("bench-resolve", help="benchmark re-solving after a change")
    resolve.add_argument("--scenario", default="district")
    resolve.add_argument("--seed", type=int, default=1)
    resolve.add_argument("--time-limit", type=float, default=60.0, help="for the first solve")
    resolve.add_argument("--resolve-limit", type=float, default=20.0)
    resolve.add_argument("--workers", type=int, default=2)
    resolve.add_argument("--base", help="the first schedule: loaded if the file exists, else saved")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module, function = COMMANDS[args.command]
    code = getattr(import_module(module), function)(args)
    if args.command == "solve" and args.explain and code == 0:
        import_module("solver.explain").explain_solved(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
