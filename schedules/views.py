"""The coordinator's pages: solve, watch progress, review a draft, publish, history.

Thin views: they check access, call a service or selector and render. Only
staff and the district's coordinators see a district; anyone else gets 404,
so the pages do not even reveal which districts exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from schedules import explain, selectors, services, what_if
from schedules.forms import WhatIfForm
from schedules.models import ScheduleVersion, SolveRun
from schools.models import District, Membership


class SolveForm(forms.Form):
    time_limit = forms.TypedChoiceField(
        label=gettext_lazy("Time limit"),
        choices=[
            (s, gettext_lazy("%(s)s seconds") % {"s": s}) for s in services.TIME_LIMIT_CHOICES
        ],
        coerce=int,
        initial=60,
    )


def _district_for_coordinator(request: HttpRequest, code: str) -> District:
    """The district if the user coordinates it (or is staff); 404 otherwise."""
    district = get_object_or_404(District, code=code)
    user = request.user
    if (
        user.is_staff
        or Membership.objects.filter(
            user=user, district=district, role=Membership.Role.COORDINATOR
        ).exists()
    ):
        return district
    raise Http404


def _run(district: District, run_id: int) -> SolveRun:
    return get_object_or_404(SolveRun.objects.defer("instance"), district=district, pk=run_id)


def _version(district: District, number: int) -> ScheduleVersion:
    return get_object_or_404(
        ScheduleVersion.objects.select_related("run", "published_by"),
        district=district,
        number=number,
    )


@login_required
@require_GET
def district_runs(request: HttpRequest, code: str) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    services.solve_runs_fail_stale()
    return render(
        request,
        "schedules/district_runs.html",
        {
            "district": district,
            "form": SolveForm(),
            "what_if_form": WhatIfForm(district=district),
            "runs": selectors.solve_runs_of_district(district=district),
            "versions": selectors.schedule_versions_of_district(district=district),
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    form = SolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered time limits."))
        return redirect("schedules:district_runs", code=district.code)
    try:
        run = services.solve_run_enqueue(
            district=district, user=request.user, time_limit=form.cleaned_data["time_limit"]
        )
    except services.SolveRunError as error:
        messages.error(request, str(error))
        return redirect("schedules:district_runs", code=district.code)
    return redirect("schedules:run_detail", code=district.code, run_id=run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    services.solve_runs_fail_stale()
    run = _run(district, run_id)
    return render(
        request,
        "schedules/run_detail.html",
        {
            "district": district,
            "run": run,
            "progress": selectors.solve_run_progress(run=run),
            # issue 7: shortfalls stored with the draft, and what a what-if changed
            "findings": explain.run_findings(run=run),
            "what_if": what_if.what_if_summary(run=run),
        },
    )


@login_required
@require_GET
def run_progress(request: HttpRequest, code: str, run_id: int) -> JsonResponse:
    district = _district_for_coordinator(request, code)
    run = _run(district, run_id)
    return JsonResponse(selectors.solve_run_progress(run=run))


@login_required
@require_POST
def run_cancel(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    run = _run(district, run_id)
    if services.solve_run_cancel(run=run):
        messages.success(request, _("The solve was cancelled; nothing was stored."))
    else:
        messages.info(request, _("The solve had already finished."))
    return redirect("schedules:run_detail", code=district.code, run_id=run.pk)


@login_required
@require_GET
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    version = _version(district, number)
    published = selectors.schedule_version_published(district=district)
    diff = None
    if version.status == ScheduleVersion.Status.DRAFT:
        diff = selectors.version_diff(old=published, new=version)
    report = version.report or {}
    return render(
        request,
        "schedules/version_detail.html",
        {
            "district": district,
            "version": version,
            "published": published,
            "diff": diff,
            "report": report,
            "violations": report.get("violations", [])[:50],
            "coverage": selectors.schedule_version_coverage(version=version),
            "timetable": selectors.schedule_version_timetable(version=version),
        },
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    version = _version(district, number)
    expected = request.POST.get("expected_published") or None
    try:
        services.schedule_version_publish(
            version=version,
            user=request.user,
            expected_published=int(expected) if expected and expected.isdigit() else None,
        )
    except services.PublishConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Version %(number)s is published.") % {"number": version.number}
        )
    return redirect("schedules:version_detail", code=district.code, number=version.number)
