"""The coordinator's pages for changes: record them, pin sessions, re-solve, read the impact.

Thin views: each finds the district through the user's roles (404 for anyone who
does not coordinate it, so another tenant's district does not seem to exist),
then calls a service or selector and renders.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from schedules import access, impact, selectors, selectors_changes, services, services_changes
from schedules.models import ScheduleChange, ScheduleVersion, Session, SolveRun
from schools.models import Coach, District, Room, Site, Weekday


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What changes"),
        choices=ScheduleChange.Kind.choices,
        widget=forms.RadioSelect,
    )
    coach = forms.ModelChoiceField(
        label=gettext_lazy("Coach"), queryset=Coach.objects.none(), required=False
    )
    room = forms.ModelChoiceField(
        label=gettext_lazy("Room"), queryset=Room.objects.none(), required=False
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: until further notice."),
    )
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("Only on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every day of the period."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For colleagues; no medical or other personal details."),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = Coach.objects.filter(district=district).order_by(
            "surname", "given_name"
        )
        self.fields["room"].queryset = (
            Room.objects.filter(site__district=district)
            .select_related("site")
            .order_by("site__name", "name")
        )
        self.fields["room"].label_from_instance = lambda room: f"{room.site.name} – {room.name}"
        self.fields["weekdays"].choices = [
            (day, Weekday(day).label) for day in district.days if day in Weekday.values
        ]


def _time_limits() -> list[tuple[int, str]]:
    """The offered time limits, in the language of the request (read per form)."""
    return [(s, _("%(s)s seconds") % {"s": s}) for s in services.TIME_LIMIT_CHOICES]


class ResolveForm(forms.Form):
    week_of = forms.DateField(
        label=gettext_lazy("For the week of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The changes that count on a day of this week are applied."),
    )
    time_limit = forms.TypedChoiceField(
        label=gettext_lazy("Time limit"),
        choices=_time_limits,
        coerce=int,
        initial=services.TIME_LIMIT_CHOICES[0],
    )


def _district(request: HttpRequest, code: str) -> District:
    """The district if the user coordinates it (or is staff); 404 otherwise."""
    district = access.viewer_of(request.user).districts().filter(code=code).first()
    if district is None:
        raise Http404
    return district


def _changes_page(
    request: HttpRequest,
    district: District,
    *,
    form: ChangeForm | None = None,
    resolve_form: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    published = selectors.schedule_version_published(district=district)
    today = timezone.localdate()
    site_id = request.GET.get("site", "")
    site = None
    if site_id.isdigit():
        site = Site.objects.filter(district=district, pk=int(site_id)).first()
    included = set()
    if published is not None and published.run_id:
        record = SolveRun.objects.filter(pk=published.run_id).values_list("changes", flat=True)
        included = {c.get("change") for c in record.first() or [] if "change" in c}
    return render(
        request,
        "schedules/changes.html",
        {
            "district": district,
            "published": published,
            "changes": selectors_changes.schedule_changes_of_district(
                district=district, today=today
            ),
            "included": included,
            "form": form or ChangeForm(district=district, initial={"starts_on": today}),
            "resolve_form": resolve_form or ResolveForm(initial={"week_of": today}),
            "roster": selectors_changes.roster_changes_since(version=published),
            "pinned": list(selectors_changes.sessions_pinned(version=published))
            if published
            else [],
            "sites": Site.objects.filter(district=district).order_by("kind", "name"),
            "site": site,
            "site_sessions": selectors_changes.sessions_of_site_for_pinning(
                version=published, site_id=site.pk
            )
            if published and site
            else [],
        },
        status=status,
    )


@login_required
@require_GET
def changes(request: HttpRequest, code: str) -> HttpResponse:
    return _changes_page(request, _district(request, code))


@login_required
@require_POST
def change_create(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(request, code)
    form = ChangeForm(request.POST, district=district)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_changes.schedule_change_create(
                district=district,
                user=request.user,
                kind=data["kind"],
                coach=data["coach"],
                room=data["room"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                weekdays=data["weekdays"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The change is recorded. Re-solve to apply it."))
            return redirect("schedules:changes", code=district.code)
    return _changes_page(request, district, form=form, status=400)


@login_required
@require_POST
def change_delete(request: HttpRequest, code: str, change_id: int) -> HttpResponse:
    district = _district(request, code)
    change = get_object_or_404(ScheduleChange, district=district, pk=change_id)
    services_changes.schedule_change_delete(change=change)
    messages.success(request, _("The change is removed."))
    return redirect("schedules:changes", code=district.code)


@login_required
@require_POST
def session_pin(request: HttpRequest, code: str, session_id: int) -> HttpResponse:
    district = _district(request, code)
    session = get_object_or_404(
        Session.objects.select_related("version"),
        version__district=district,
        version__status=ScheduleVersion.Status.PUBLISHED,
        pk=session_id,
    )
    pinned = request.POST.get("pinned") == "1"
    services_changes.session_pin_set(session=session, pinned=pinned)
    if pinned:
        messages.success(request, _("The session is pinned: a re-solve keeps it exactly."))
    else:
        messages.success(request, _("The session is no longer pinned."))
    url = reverse("schedules:changes", args=[district.code])
    site = request.POST.get("site", "")
    return redirect(f"{url}?site={site}#pins" if site.isdigit() else f"{url}#pins")


@login_required
@require_POST
def resolve_start(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(request, code)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _changes_page(request, district, resolve_form=form, status=400)
    try:
        run = services_changes.resolve_run_enqueue(
            district=district,
            user=request.user,
            time_limit=form.cleaned_data["time_limit"],
            week_of=form.cleaned_data["week_of"],
        )
    except services.SolveRunError as error:
        messages.error(request, str(error))
        return redirect("schedules:changes", code=district.code)
    return redirect("schedules:run_detail", code=district.code, run_id=run.pk)


@login_required
@require_GET
def version_impact(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Who and what a version changes against the published one (or the one it re-solved)."""
    district = _district(request, code)
    version = get_object_or_404(
        ScheduleVersion.objects.select_related("run", "district").defer(
            "report", "solution", "run__instance", "run__log"
        ),
        district=district,
        number=number,
    )
    published = selectors.schedule_version_published(district=district)
    if version.status == ScheduleVersion.Status.DRAFT:
        old = published
    else:
        old = version.run.previous_version if version.run else None
    viewer = access.viewer_of(request.user)
    report = (
        impact.version_impact(old=old, new=version, show_names=viewer.coordinates(district.pk))
        if old is not None
        else None
    )
    return render(
        request,
        "schedules/version_impact.html",
        {
            "district": district,
            "version": version,
            "old": old,
            "published": published,
            "impact": report,
            "included": selectors_changes.run_changes_described(run=version.run),
        },
    )
