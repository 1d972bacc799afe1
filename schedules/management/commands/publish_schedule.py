"""``manage.py publish_schedule CODE [--version N]``: publish a district's draft from the shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from schedules.models import ScheduleVersion
from schedules.services import PublishConflict, schedule_version_publish
from schools.models import District


class Command(BaseCommand):
    help = "Publish a draft schedule version of a district (default: its newest draft)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # ``--version N`` names a schedule version here, not Django's version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("code", help="the district's code")
        parser.add_argument("--version", type=int, dest="number", help="the version's number")
        parser.add_argument(
            "--skip-if-published",
            action="store_true",
            help="do nothing when the district already has a published version",
        )

    def handle(self, *args, code, number, skip_if_published, **options):
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(f'No district has the code "{code}".')
        versions = ScheduleVersion.objects.filter(district=district)
        if skip_if_published and versions.filter(status=ScheduleVersion.Status.PUBLISHED).exists():
            self.stdout.write(f"{district.code}: a version is published already; not publishing.")
            return
        if number is None:
            version = (
                versions.filter(status=ScheduleVersion.Status.DRAFT).order_by("-number").first()
            )
            if version is None:
                raise CommandError(f"{district.code} has no draft version to publish.")
        else:
            version = versions.filter(number=number).first()
            if version is None:
                raise CommandError(f"{district.code} has no version {number}.")
        try:
            schedule_version_publish(version=version, user=None)
        except PublishConflict as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"{district.code}: version {version.number} is published.")
        )
