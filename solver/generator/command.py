"""``python -m solver generate``: write a scenario's instance, witness and meta file.

    python -m solver generate --scenario NAME --seed N -o FILE [--witness FILE]

Writes FILE (the instance), its sidecar ``FILE.meta.json`` ({scenario, seed,
instance, coverage_bound, argument, stats}; e.g. ``short.json.meta.json``) and,
with ``--witness``, the solution the scenario was built around. It prints a
summary and the coverage bound (1.0 when feasible by construction).

For ``city``, ``-o`` names a directory (an existing one, or any path ending in
``/``) or else a file stem; five instances are written:

    directory:  DIR/1-rotterdam-zuid.json ... DIR/5-utrecht-overvecht.json
    stem:       STEM-1-rotterdam-zuid.json ... STEM-5-utrecht-overvecht.json

each with its ``FILE.meta.json`` sidecar; ``--witness`` follows the same rule
(``WDIR/1-rotterdam-zuid.json`` in a witness directory, or ``WSTEM-1-...``).
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from pathlib import Path

from solver.instance import save_instance
from solver.solution import save_solution


def meta_path(path: str | Path) -> Path:
    """The sidecar of an instance file FILE: ``FILE.meta.json`` (``x.json.meta.json``)."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def city_paths(output: str, names: list[str]) -> list[Path]:
    """Where the districts of ``city`` go: a directory, or files next to a stem."""
    base = Path(output)
    slugs = [f"{k + 1}-{_slug(name)}" for k, name in enumerate(names)]
    if output.endswith(("/", "\\")) or base.is_dir():
        base.mkdir(parents=True, exist_ok=True)
        return [base / f"{slug}.json" for slug in slugs]
    stem = output[: -len(".json")] if output.endswith(".json") else output
    Path(stem).parent.mkdir(parents=True, exist_ok=True)
    return [Path(f"{stem}-{slug}.json") for slug in slugs]


def _write(generated, path: Path, witness: Path | None) -> None:
    save_instance(generated.instance, path)
    meta_path(path).write_text(
        json.dumps(generated.meta(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if witness is not None and generated.witness is not None:
        save_solution(generated.witness, witness)


def command_generate(args) -> int:
    """0: written; 2: unknown scenario or the files could not be written."""
    from solver.generator.scenarios import SCENARIOS, generate

    if args.scenario not in SCENARIOS:
        print(
            f'unknown scenario "{args.scenario}"; choose one of {", ".join(SCENARIOS)}',
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    generated = generate(args.scenario, args.seed)
    seconds = time.monotonic() - started
    witness_arg = getattr(args, "witness", None)
    try:
        if args.scenario == "city":
            names = [part.stats["district"] for part in generated.parts]
            paths = city_paths(args.output, names)
            witnesses = city_paths(witness_arg, names) if witness_arg else [None] * len(paths)
            for part, path, witness in zip(generated.parts, paths, witnesses, strict=True):
                _write(part, path, witness)
                print(f"{path}: {part.notes}")
        else:
            path = Path(args.output)
            if path.parent != Path():
                path.parent.mkdir(parents=True, exist_ok=True)
            _write(generated, path, Path(witness_arg) if witness_arg else None)
            print(f"{path}: {generated.notes}")
            if witness_arg:
                print(f"witness: {witness_arg}")
    except OSError as error:
        print(f"cannot write: {error}", file=sys.stderr)
        return 2
    if generated.coverage_bound is not None and generated.coverage_bound < 1.0:
        print(f"coverage bound: {generated.coverage_bound:.6f} ({generated.argument})")
    else:
        print("coverage bound: 1.0 (feasible by construction)")
    print(f"generated in {seconds:.1f} s")
    return 0
