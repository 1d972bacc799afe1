"""``manage.py write_demo_workbook INSTANCE.json -o OUT.xlsx [--seed S]``.

Writes a generated instance (``python -m solver generate``) as a district roster
workbook with fictional names, ready for ``import_rosters``; ``load_demo`` does
the same for the demo districts.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.importing.workbooks import demo_workbook


class Command(BaseCommand):
    help = "Write an instance JSON as a district roster workbook (.xlsx) with fictional names."

    def add_arguments(self, parser):
        parser.add_argument("instance", help="an instance JSON from `python -m solver generate`")
        parser.add_argument("-o", "--output", required=True, help="the workbook to write")
        parser.add_argument(
            "--seed", default=None, help="seed of the names (default: the file name)"
        )

    def handle(self, *args, instance, output, seed, **options):
        source = Path(instance)
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{instance}: {error}") from error
        demo_workbook(instance=data, path=Path(output), seed=seed or source.stem)
        self.stdout.write(f"Wrote {output}: {len(data.get('pupils', []))} pupils.")
