"""``manage.py export_rosters --district CODE -o FILE.xlsx``: a district's master data as a workbook.

The same layout the importer reads (the district template's sheets and Dutch
headers), so ``import_rosters FILE.xlsx --district CODE`` afterwards changes
nothing. The workbook holds pupils' and coaches' names: keep it as safe as the
database.
"""

from django.core.management.base import BaseCommand, CommandError
from xlsxwriter.exceptions import FileCreateError

from schools.importing.workbooks import district_workbook
from schools.models import District
from schools.selectors import district_get


class Command(BaseCommand):
    help = (
        "Write the master data of one district as a roster workbook (.xlsx) in the import "
        "template's layout; importing it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's code, e.g. zuid")
        parser.add_argument("-o", "--output", required=True, help="the workbook to write")

    def handle(self, *args, district, output, **options):
        try:
            found = district_get(code=district)
        except District.DoesNotExist as error:
            known = ", ".join(District.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f'No district "{district}" (known: {known}).') from error
        try:
            district_workbook(district=found, target=output)
        except (OSError, FileCreateError) as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(f"Wrote {output}: the master data of {found.name}.")
