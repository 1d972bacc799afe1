"""``manage.py export_instance --district zuid -o zuid.json``: the solver's input, no names."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from schools.models import District
from schools.selectors import district_get, district_instance_build


class Command(BaseCommand):
    help = (
        "Write the instance (spec/PROBLEM.md) of one district: pseudonymous ids, "
        "no names of pupils or coaches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's code, e.g. zuid")
        parser.add_argument(
            "-o", "--output", required=True, help='file to write, or "-" for standard output'
        )

    def handle(self, *args, district, output, **options):
        try:
            found = district_get(code=district)
        except District.DoesNotExist as error:
            known = ", ".join(District.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f'No district "{district}" (known: {known}).') from error
        instance = district_instance_build(district=found)
        text = json.dumps(instance, ensure_ascii=False, indent=1) + "\n"
        if output == "-":
            sys.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(
            f"Wrote {output}: {len(instance['sites'])} sites, {len(instance['coaches'])} coaches, "
            f"{len(instance['pupils'])} pupils."
        )
