"""``manage.py bench_import --pupils 10000``: times the preview and the confirm of a large roster.

Writes a workbook (XlsxWriter) with schools, classes and pupils with fictional
names, imports it into a scratch district (dry run, then for real), reports
seconds and the process's peak memory, and deletes the scratch district again.
"""

import datetime
import resource
import secrets
import tempfile
import time
from pathlib import Path

import xlsxwriter
from django.core.management.base import BaseCommand, CommandError

from schools.importing.services import roster_import
from schools.models import District
from schools.names import NameMaker
from schools.services import district_delete

PUPILS_PER_SCHOOL = 250


def write_bench_workbook(path: Path, pupils: int, seed: int = 1) -> None:
    names = NameMaker(seed)
    schools = max(1, pupils // PUPILS_PER_SCHOOL)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sites = book.add_worksheet("Scholen")
    sites.write_row(0, 0, ["Code", "Naam", "Soort"])
    classes = book.add_worksheet("Klassen")
    classes.write_row(0, 0, ["School", "Klas", "Groep"])
    for s in range(schools):
        sites.write_row(s + 1, 0, [f"S{s:03d}", f"Basisschool {s}", "school"])
        for g in range(1, 9):
            classes.write_row(s * 8 + g, 0, [f"S{s:03d}", f"{g}A", str(g)])
    sheet = book.add_worksheet("Leerlingen")
    sheet.write(0, 0, "Leerlingen, export uit het leerlingvolgsysteem")
    sheet.write_row(2, 0, ["School", "Leerlingnummer", "Roepnaam", "Tussenvoegsel",
                           "Achternaam", "Geboortedatum", "Jaargroep", "Klas"])  # fmt: skip
    school_year = datetime.date(2025, 8, 1)
    for i in range(pupils):
        person = names.person()
        grade = i % 8 + 1
        birth = names.birth_date(grade=grade, school_year_start=school_year)
        sheet.write_row(i + 3, 0, [
            f"S{i % schools:03d}", str(10000 + i), person.given_name, person.surname_prefix,
            person.surname, birth.strftime("%d-%m-%Y"), grade, f"{grade}A",
        ])  # fmt: skip
    book.close()


class Command(BaseCommand):
    help = "Time the preview and confirm of a roster workbook with N pupils (default 10,000)."

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=10_000)
        parser.add_argument("--keep", action="store_true", help="keep the scratch district")

    def handle(self, *args, pupils, keep, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.xlsx"
            started = time.perf_counter()
            write_bench_workbook(path, pupils)
            written = time.perf_counter() - started
            district = District.objects.create(
                code=f"bench-{secrets.token_hex(3)}", name="Benchmark", days=["mon", "tue", "thu"]
            )
            try:
                rows = []
                for dry_run in (True, False):
                    started, cpu = time.perf_counter(), time.process_time()
                    report = roster_import(files=[path], district=district, dry_run=dry_run)
                    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                    if not report.ok:
                        raise CommandError("\n".join(report.lines()[-10:]))
                    rows.append((_("preview (dry run)") if dry_run else _("confirm"), seconds, cpu))
            finally:
                if not keep:
                    district_delete(district=district)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write("| step | wall seconds | CPU seconds |\n|---|---:|---:|")
        self.stdout.write(f"| write workbook ({pupils} pupils, XlsxWriter) | {written:.1f} | |")
        for label, seconds, cpu in rows:
            self.stdout.write(f"| {label} | {seconds:.1f} | {cpu:.1f} |")
        total, total_cpu = sum(r[1] for r in rows), sum(r[2] for r in rows)
        self.stdout.write(f"| preview + confirm | {total:.1f} | {total_cpu:.1f} |")
        self.stdout.write(f"| peak memory of the process (MB) | {peak:.0f} | |")


def _(text: str) -> str:
    return text
