"""``manage.py load_demo``: the demo districts zuid and klein, and the demo logins.

The instances come from the solver's generator, run as a separate process
(``python -m solver generate``): the schools app never imports the solver. Each
instance is written as a district workbook (``var/demo/<code>.xlsx``, XlsxWriter)
and loaded through the coordinators' import path (``roster_import``), so the demo
exercises what a coordinator does with real rosters.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schools.importing.services import roster_import
from schools.importing.workbooks import demo_workbook
from schools.models import WEEKDAY_ORDER, District
from schools.services import demo_users_ensure, district_delete

# code, name, generator scenario
DEMO_DISTRICTS = [
    ("zuid", "Rotterdam-Zuid", "district"),
    ("klein", "Klein (1 school)", "school"),
]
DEMO_SEED = 1


class Command(BaseCommand):
    help = "Load the demo districts zuid and klein (skipped when present) and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="delete and reload districts already present"
        )
        parser.add_argument(
            "--only",
            choices=[code for code, _name, _scenario in DEMO_DISTRICTS],
            help="load only this district",
        )
        parser.add_argument(
            "--directory",
            default=str(Path(settings.BASE_DIR) / "var" / "demo"),
            help="where the generated instances are written (default var/demo)",
        )

    def handle(self, *args, replace, only, directory, **options):
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        for code, name, scenario in DEMO_DISTRICTS:
            if only and code != only:
                continue
            existing = District.objects.filter(code=code).first()
            if existing and not replace:
                self.stdout.write(f"District {code} is present; skipped (--replace reloads it).")
                continue
            path = folder / f"{code}.json"
            started = time.monotonic()
            self.generate(scenario, path)
            instance = json.loads(path.read_text(encoding="utf-8"))
            generated = time.monotonic()
            workbook = folder / f"{code}.xlsx"
            demo_workbook(instance=instance, path=workbook, seed=code)
            written = time.monotonic()
            self.load(instance, code, name, workbook, replacing=existing)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {code} ({name}): {len(instance.get('sites', []))} sites, "
                    f"{len(instance.get('coaches', []))} coaches, "
                    f"{len(instance.get('pupils', []))} pupils "
                    f"(generated in {generated - started:.1f} s, written as {workbook.name} in "
                    f"{written - generated:.1f} s, imported in {time.monotonic() - written:.1f} s)."
                )
            )

        zuid = District.objects.filter(code="zuid").first() or District.objects.first()
        if zuid is None:
            raise CommandError("No district to give the demo users.")
        logins = demo_users_ensure(district=zuid)
        self.stdout.write("Demo logins (user / password):")
        for login in logins:
            self.stdout.write(
                f"  {login['username']:<12} {login['password']:<16} "
                f"{login['role']}: {login['where']}"
            )

    @transaction.atomic
    def load(self, instance: dict, code: str, name: str, workbook: Path, replacing=None) -> None:
        """Replaces the district with one of the instance's settings and imports its workbook."""
        if replacing is not None:
            district_delete(district=replacing)
        weights = instance.get("weights") or {}
        district = District.objects.create(
            code=code,
            name=name,
            days=sorted(instance.get("days", []), key=WEEKDAY_ORDER.__getitem__),
            slot_minutes=instance.get("slot_minutes", 15),
            max_pupil_travel_minutes=instance.get("max_pupil_travel_minutes", 0),
            **{field: weights.get(term, 0) for term, field in District.WEIGHT_FIELDS.items()},
        )
        report = roster_import(files=[workbook], district=district, dry_run=False)
        if not report.ok:
            raise CommandError("\n".join(report.lines()[-20:]))

    def generate(self, scenario: str, path: Path) -> None:
        command = [
            sys.executable, "-m", "solver", "generate",
            "--scenario", scenario, "--seed", str(DEMO_SEED), "-o", str(path),
        ]  # fmt: skip
        self.stdout.write(f"Generating {path.name}: {' '.join(command[1:])}")
        result = subprocess.run(
            command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(
                f"The instance generator failed ({result.returncode}):\n"
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
