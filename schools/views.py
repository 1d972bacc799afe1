"""The coordinator's import pages: choose files -> preview (dry run) -> confirm -> done.

Beside them, two downloads: the empty district template and the district's own
master data in that layout (an export to edit and import again).

Thin views: they check access, call ``roster_import`` and render. Staff see
every district; a coordinator only their own; anyone else gets 404, so the
pages do not reveal which districts exist.
"""

from __future__ import annotations

import datetime
import tempfile

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from schools.importing.services import roster_import
from schools.importing.uploads import uploads_discard, uploads_get, uploads_store
from schools.importing.workbooks import district_workbook, template_workbook
from schools.models import Category, District, Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_districts(user):
    """The districts ``user`` may import into: all for staff, else those they coordinate."""
    if user.is_staff or user.is_superuser:
        return District.objects.all()
    return District.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.COORDINATOR
    ).distinct()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        return (
            [single(d, initial) for d in data]
            if isinstance(data, list | tuple)
            else [single(data, initial)]
        )


class RosterUploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Workbooks (.xlsx)"),
        help_text=gettext_lazy("The district template, or one file per kind (pupils, classes...)."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.ROSTER_IMPORT_MAX_UPLOAD_BYTES
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)s MB.")
                    % {"name": upload.name, "mb": limit // (1024 * 1024)}
                )
        return files


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    districts = list(import_districts(request.user))
    if not districts:
        raise PermissionDenied(_("Only a district's coordinators import rosters."))
    if len(districts) == 1:
        return redirect("schools:roster_import", code=districts[0].code)
    return render(request, "schools/import_choose.html", {"districts": districts})


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_view(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(import_districts(request.user), code=code)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, files = uploads_store(
            session=request.session, district_id=district.pk, files=form.cleaned_data["files"]
        )
        report = roster_import(files=files, district=district, dry_run=True)
        if not report.ok:  # nothing to confirm: the file goes at once (it may hold a BSN)
            uploads_discard(session=request.session, token=token)
            token = None
        return render(
            request,
            "schools/import_preview.html",
            {"district": district, "report": report, "token": token},
        )
    return render(request, "schools/import_form.html", {"district": district, "form": form})


@login_required
@require_POST
def roster_import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(import_districts(request.user), code=code)
    token = request.POST.get("token", "")
    files = uploads_get(session=request.session, token=token, district_id=district.pk)
    if files is None:
        return render(
            request,
            "schools/import_form.html",
            {
                "district": district,
                "form": RosterUploadForm(),
                "expired": True,
            },
            status=400,
        )
    if "cancel" in request.POST:
        uploads_discard(session=request.session, token=token)
        return redirect("schools:roster_import", code=district.code)
    report = roster_import(files=files, district=district, dry_run=False)
    uploads_discard(session=request.session, token=token)
    return render(
        request,
        "schools/import_preview.html",
        {"district": district, "report": report, "token": None},
    )


@login_required
def roster_template(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(import_districts(request.user), code=code)
    categories = list(
        Category.objects.filter(district=district).order_by("code").values_list("code", flat=True)
    )
    response = HttpResponse(
        template_workbook(categories=categories),
        content_type=XLSX,
    )
    response["Content-Disposition"] = f'attachment; filename="sjabloon-{district.code}.xlsx"'
    return response


@login_required
def roster_export(request: HttpRequest, code: str) -> FileResponse:
    """The district's master data as a workbook in the template's layout; importing it changes nothing."""
    district = get_object_or_404(import_districts(request.user), code=code)
    # A spooled file: a large district goes to disk rather than staying in memory.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    district_workbook(district=district, target=handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"rooster-{district.code}-{datetime.date.today():%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )
