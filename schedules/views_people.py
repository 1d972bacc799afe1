"""What people see of the published schedule: the coach's week, the principal's school, prints.

Thin views: each resolves the user's roles (``schedules.access``), fetches the
object through a scoped query (404 outside it) and renders a page or a file.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schedules import access, excel, ical, pdf, selectors, timetables
from schedules.models import CalendarToken, ScheduleVersion
from schools.models import ClassGroup, District, Pupil, Room, Site


def _file(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(content: bytes, name: str) -> HttpResponse:
    return _file(
        content, filename=f"{slugify(name) or 'rooster'}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Sends each user to their own start page."""
    viewer = access.viewer_of(request.user)
    if viewer.coordinator_districts:
        district = District.objects.filter(pk__in=viewer.coordinator_districts).order_by("name")
        return redirect("schedules:district_dashboard", code=district.first().code)
    if viewer.staff:
        return redirect("admin:index")
    if viewer.principal_sites:
        return redirect("schedules:school_overview", site_id=min(viewer.principal_sites))
    if viewer.coach is not None:
        return redirect("schedules:coach_week")
    return render(request, "schedules/no_role.html", status=200)


# ---------------------------------------------------------------------------
# Coach
# ---------------------------------------------------------------------------


@login_required
@require_GET
def coach_week(request: HttpRequest) -> HttpResponse:
    coach = access.coach_of_user(request.user)
    published = timetables.published_version_light(district_id=coach.district_id)
    sessions = timetables.sessions_of_week(
        access.sessions_of_coach_in(coach=coach, version=published)
    )
    token = coach.calendar_token_value
    feed_url = (
        request.build_absolute_uri(reverse("schedules:calendar_feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "schedules/coach_week.html",
        {
            "coach": coach,
            "published": published,
            "days": [d for d in timetables.week_days(coach.district, sessions) if d["sessions"]],
            "session_count": len(sessions),
            "feed_url": feed_url,
        },
    )


@login_required
@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    """Makes (or renews) the coach's calendar address; the old one stops working."""
    coach = access.coach_of_user(request.user)
    existed = CalendarToken.objects.filter(coach=coach).exists()
    ical.calendar_token_renew(coach=coach)
    if existed:
        messages.success(
            request,
            _("Your calendar address is renewed. The old address no longer works."),
        )
    else:
        messages.success(request, _("Your calendar address is ready."))
    return redirect(reverse("schedules:coach_week") + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The coach's calendar; the secret token in the address is the only key."""
    found = get_object_or_404(CalendarToken.objects.select_related("coach"), token=token)
    coach = found.coach
    published = timetables.published_version_light(district_id=coach.district_id)
    sessions = timetables.sessions_listed(
        access.sessions_of_coach_in(coach=coach, version=published)
    )
    with translation.override("nl"):
        content = ical.coach_calendar(coach=coach, sessions=sessions, host=request.get_host())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rooster.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = access.viewer_of(request.user)
    session = get_object_or_404(
        access.sessions_visible(viewer=viewer)
        .select_related("activity__category", "room__site", "version__district")
        .defer("version__report", "version__solution", "version__penalty_terms"),
        pk=session_id,
    )
    pupils = access.pupils_visible_in_session(viewer=viewer, session=session).order_by(
        "class_group__name", "surname", "given_name"
    )
    return render(
        request,
        "schedules/session_detail.html",
        {
            "session": session,
            "address": timetables.site_address(session.room.site),
            "coaches": list(session.coaches.all()),
            "pupils": pupils,
            "back": reverse("schedules:coach_week") if viewer.coach is not None else None,
        },
    )


# ---------------------------------------------------------------------------
# Principal
# ---------------------------------------------------------------------------


def _school(request: HttpRequest, site_id: int):
    viewer = access.viewer_of(request.user)
    return viewer, access.site_for(viewer=viewer, site_id=site_id)


def _published(site) -> ScheduleVersion | None:
    return timetables.published_version_light(district_id=site.district_id)


@login_required
@require_GET
def school_overview(request: HttpRequest, site_id: int) -> HttpResponse:
    viewer, site = _school(request, site_id)
    version = _published(site)
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    return render(
        request,
        "schedules/school_overview.html",
        {
            "site": site,
            "address": timetables.site_address(site),
            "published": version,
            "categories": timetables.categories_of(site.district_id),
            "classes": timetables.school_class_coverage(site=site, version=version),
            "rooms": Room.objects.filter(site=site).order_by("name"),
            "coaches": timetables.coaches_of_sessions(sessions),
            "session_count": len(sessions),
            "is_coordinator": viewer.coordinates(site.district_id),
            # issue 8: sessions changed by the latest publication, marked for a week
            "changed": [s for s in sessions if s.changed]
            if version is not None and version.changes_marked
            else [],
        },
    )


def _class_item(site, group, sessions):
    return {
        "group": group,
        "days": timetables.week_days(
            site.district, timetables.sessions_of_class(group=group, sessions=sessions)
        ),
        "categories": timetables.categories_of(site.district_id),
    }


@login_required
@require_GET
def class_pdf(request: HttpRequest, site_id: int, class_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    group = access.class_of_site(site=site, class_id=class_id)
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    content = pdf.class_pdf(site=site, **_class_item(site, group, sessions))
    return _pdf(content, f"{site.name} {group.name}")


@login_required
@require_GET
def class_pupils_pdf(request: HttpRequest, site_id: int, class_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    group = access.class_of_site(site=site, class_id=class_id)
    pupils = list(
        Pupil.objects.filter(class_group=group)
        .select_related("class_group")
        .order_by("surname", "given_name")
    )
    return _pdf(
        pdf.school_pupil_pages(site=site, pupils=pupils), f"{site.name} {group.name} leerlingen"
    )


@login_required
@require_GET
def pupil_pdf(request: HttpRequest, site_id: int, pupil_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    pupil = get_object_or_404(Pupil.objects.select_related("class_group"), school=site, pk=pupil_id)
    return _pdf(pdf.school_pupil_pages(site=site, pupils=[pupil]), pupil.full_name)


@login_required
@require_GET
def school_pupils_pdf(request: HttpRequest, site_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    pupils = list(
        Pupil.objects.filter(school=site)
        .select_related("class_group")
        .order_by("class_group__name", "surname", "given_name")
    )
    return _pdf(pdf.school_pupil_pages(site=site, pupils=pupils), f"{site.name} leerlingen")


def _room_item(site, room, sessions):
    rows = [s for s in sessions if s.room_id == room.pk]
    return {
        "title": _("Room %(name)s") % {"name": room.name},
        "subtitle": site.name,
        "sessions": rows,
        "counts": timetables.pupil_counts(rows),
    }


def _coach_item(site, coach, sessions):
    rows = [s for s in sessions if any(c.pk == coach.pk for c in s.coaches.all())]
    return {
        "title": coach.full_name,
        "subtitle": _("Sessions at or for %(school)s") % {"school": site.name},
        "sessions": rows,
        "counts": timetables.pupil_counts(rows),
    }


@login_required
@require_GET
def room_pdf(request: HttpRequest, site_id: int, room_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    room = access.room_of_site(site=site, room_id=room_id)
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    return _pdf(pdf.listing_pdf(**_room_item(site, room, sessions)), f"{site.name} {room.name}")


@login_required
@require_GET
def coach_pdf(request: HttpRequest, site_id: int, coach_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    coach = access.coach_at_site(site=site, coach_id=coach_id)
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    return _pdf(pdf.listing_pdf(**_coach_item(site, coach, sessions)), f"{site.name} {coach}")


@login_required
@require_GET
def school_pdf(request: HttpRequest, site_id: int) -> HttpResponse:
    _viewer, site = _school(request, site_id)
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    groups = ClassGroup.objects.filter(site=site).order_by("name")
    content = pdf.school_pdf(
        site=site,
        classes=[_class_item(site, group, sessions) for group in groups],
        rooms=[_room_item(site, room, sessions) for room in Room.objects.filter(site=site)],
        coaches=[_coach_item(site, c, sessions) for c in timetables.coaches_of_sessions(sessions)],
    )
    return _pdf(content, site.name)


# ---------------------------------------------------------------------------
# Coordinator
# ---------------------------------------------------------------------------


def _district(request: HttpRequest, code: str) -> District:
    viewer = access.viewer_of(request.user)
    district = viewer.districts().filter(code=code).first()
    if district is None:
        raise Http404
    return district


@login_required
@require_GET
def district_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(request, code)
    version = selectors.schedule_version_published(district=district)
    context = {
        "district": district,
        "published": version,
        "versions": selectors.schedule_versions_of_district(district=district)[:10],
        "runs": selectors.solve_runs_of_district(district=district, limit=5),
        "schools": Site.objects.filter(district=district, kind=Site.Kind.SCHOOL).order_by("name"),
    }
    if version is not None:
        context["coverage"] = selectors.schedule_version_coverage(version=version)
        context["use"] = timetables.coach_and_room_use(version=version)
    for row in context.get("coverage", {}).get("schools", []):
        row["percent"] = round(100 * row["coverage"])
    for row in context.get("coverage", {}).get("categories", []):
        row["percent"] = round(100 * row["coverage"])
    return render(request, "schedules/district_dashboard.html", context)


@login_required
@require_GET
def district_excel(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(request, code)
    version = timetables.published_version_light(district_id=district.pk)
    if version is None:
        raise Http404
    return _file(
        excel.published_workbook(version=version),
        filename=f"{district.code}-v{version.number}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
