"""``manage.py load_demo``: the demo districts zuid and klein, and the demo logins.

The instances come from the solver's generator, run as a separate process
(``python -m solver generate``): the schools app never imports the solver.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools.models import District
from schools.services import demo_users_ensure, district_delete, district_load_from_instance

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
            if existing:
                district_delete(district=existing)
            district_load_from_instance(instance=instance, code=code, name=name)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {code} ({name}): {len(instance.get('sites', []))} sites, "
                    f"{len(instance.get('coaches', []))} coaches, "
                    f"{len(instance.get('pupils', []))} pupils "
                    f"(generated in {generated - started:.1f} s, "
                    f"loaded in {time.monotonic() - generated:.1f} s)."
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
