"""What-if pages (issue 7): a hypothetical coach, room or longer window, solved on a copy.

Thin views: the form turns the coordinator's choice into one change (an edit of
``solver.explain.capacity``), :mod:`schedules.what_if` queues the solve. A
finding's suggestion is tried by its position in the stored findings, so the
change itself never comes from the browser.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from schedules import services, what_if
from schedules.forms import WhatIfForm
from schedules.views import _district_for_coordinator, _run


@login_required
@require_POST
def what_if_start(request: HttpRequest, code: str) -> HttpResponse:
    district = _district_for_coordinator(request, code)
    form = WhatIfForm(request.POST, district=district)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("schedules:district_runs", code=district.code)
    try:
        run = what_if.solve_run_what_if_enqueue(
            district=district,
            user=request.user,
            time_limit=form.cleaned_data["time_limit"],
            changes=[form.cleaned_data["edit"]],
        )
    except services.SolveRunError as error:
        messages.error(request, str(error))
        return redirect("schedules:district_runs", code=district.code)
    return redirect("schedules:run_detail", code=district.code, run_id=run.pk)


@login_required
@require_POST
def what_if_suggestion(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """Try one finding's suggestion of this run as a what-if."""
    district = _district_for_coordinator(request, code)
    run = _run(district, run_id)
    index = request.POST.get("index", "")
    try:
        new = what_if.solve_run_try_suggestion(
            run=run,
            phase=request.POST.get("phase", ""),
            index=int(index) if index.isdigit() else -1,
            user=request.user,
        )
    except services.SolveRunError as error:
        messages.error(request, str(error))
        return redirect("schedules:run_detail", code=district.code, run_id=run.pk)
    return redirect("schedules:run_detail", code=district.code, run_id=new.pk)
