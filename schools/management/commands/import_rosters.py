"""``manage.py import_rosters FILE [FILE...] --district CODE [--dry-run]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.importing.services import roster_import
from schools.models import District


class Command(BaseCommand):
    help = (
        "Import roster workbooks (.xlsx) into a district, all or nothing; prints new, updated, "
        "unchanged and invalid rows and every problem. Exits non-zero on any invalid row."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", help="workbooks: the district template or one per kind"
        )
        parser.add_argument("--district", required=True, help="the district's code")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, change nothing"
        )

    def handle(self, *args, files, district, dry_run, **options):
        target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"There is no district with code {district}.")
        for name in files:
            if not Path(name).is_file():
                raise CommandError(f"{name}: no such file.")
        report = roster_import(files=[Path(f) for f in files], district=target, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{report.invalid_rows} invalid row(s) or file problem(s); nothing changed."
            )
