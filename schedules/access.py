"""Who may see what of the published schedule, as querysets.

- a **coordinator** (or staff) sees everything of their district(s);
- a **principal** sees their own school: its classes, pupils and rooms, and the
  sessions held at the school or attended by its pupils (also at shared venues);
- a **coach** sees their own sessions, across every school, and the pupils in them.

Every view filters its query through these functions and answers 404 for
anything outside them, so a page never reveals that another tenant's object exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import Http404

from schedules.models import CalendarToken, ScheduleVersion, Session, SessionPupil
from schools.models import ClassGroup, Coach, District, Membership, Pupil, Room, Site


@dataclass
class Viewer:
    """The roles of one signed-in user, read once per request."""

    user: object
    staff: bool = False
    coordinator_districts: set[int] = field(default_factory=set)
    principal_sites: set[int] = field(default_factory=set)

    @cached_property
    def coach(self) -> Coach | None:
        return Coach.objects.filter(user=self.user).select_related("district").first()

    @property
    def is_coordinator(self) -> bool:
        return self.staff or bool(self.coordinator_districts)

    def coordinates(self, district_id: int) -> bool:
        return self.staff or district_id in self.coordinator_districts

    def districts(self) -> QuerySet[District]:
        if self.staff:
            return District.objects.all()
        return District.objects.filter(pk__in=self.coordinator_districts)

    def sites(self) -> QuerySet[Site]:
        """Schools whose overview and prints the user may open."""
        schools = Site.objects.filter(kind=Site.Kind.SCHOOL)
        if self.staff:
            return schools
        return schools.filter(
            Q(district_id__in=self.coordinator_districts) | Q(pk__in=self.principal_sites)
        )


def viewer_of(user) -> Viewer:
    if not user.is_authenticated:
        raise Http404
    viewer = Viewer(user=user, staff=user.is_staff)
    for role, district_id, site_id in Membership.objects.filter(user=user).values_list(
        "role", "district_id", "site_id"
    ):
        if role == Membership.Role.COORDINATOR:
            viewer.coordinator_districts.add(district_id)
        elif role == Membership.Role.PRINCIPAL and site_id:
            viewer.principal_sites.add(site_id)
    return viewer


def coach_of_user(user) -> Coach:
    """The signed-in user's coach with their district and calendar token, in one query; else 404.

    For the coach's own pages, which need no other role: it skips the roles
    query of ``viewer_of``. The token is ``coach.calendar_token_value`` (None
    before the coach makes a calendar address).
    """
    if not user.is_authenticated:
        raise Http404
    coach = (
        Coach.objects.filter(user=user)
        .select_related("district", "calendar_token")
        .order_by()
        .first()
    )
    if coach is None:
        raise Http404
    try:
        coach.calendar_token_value = coach.calendar_token.token
    except CalendarToken.DoesNotExist:
        coach.calendar_token_value = None
    return coach


def published_sessions() -> QuerySet[Session]:
    return Session.objects.filter(version__status=ScheduleVersion.Status.PUBLISHED)


def sessions_of_school(*, site: Site) -> QuerySet[Session]:
    """Published sessions held at the school or attended by its pupils."""
    attended = SessionPupil.objects.filter(pupil__school=site).values("session_id")
    return published_sessions().filter(
        Q(version__district_id=site.district_id), Q(room__site=site) | Q(pk__in=attended)
    )


def sessions_of_coach(*, coach: Coach) -> QuerySet[Session]:
    """The coach's own published sessions, at every school."""
    return published_sessions().filter(version__district_id=coach.district_id, coaches=coach)


def sessions_of_coach_in(*, coach: Coach, version: ScheduleVersion | None) -> QuerySet[Session]:
    """``sessions_of_coach`` for a version already read: the district's published version.

    The same rows, filtered on the version's key (no join to the versions); none
    when the version is missing, unpublished or another district's. The coach's
    links come first (``pk__in``), so SQLite reads the coach's few sessions by the
    coach index instead of every session of the version.
    """
    if (
        version is None
        or version.status != ScheduleVersion.Status.PUBLISHED
        or version.district_id != coach.district_id
    ):
        return Session.objects.none()
    mine = Session.coaches.through.objects.filter(coach=coach).values("session_id")
    return Session.objects.filter(version_id=version.pk, pk__in=mine)


def sessions_visible(*, viewer: Viewer) -> QuerySet[Session]:
    """Every published session the viewer may open."""
    condition = Q(pk__in=[])
    if viewer.staff:
        condition = Q()
    else:
        if viewer.coordinator_districts:
            condition |= Q(version__district_id__in=viewer.coordinator_districts)
        if viewer.principal_sites:
            attended = SessionPupil.objects.filter(
                pupil__school_id__in=viewer.principal_sites
            ).values("session_id")
            condition |= Q(room__site_id__in=viewer.principal_sites) | Q(pk__in=attended)
        if viewer.coach is not None:
            mine = Session.coaches.through.objects.filter(coach=viewer.coach).values("session_id")
            condition |= Q(pk__in=mine)
    return published_sessions().filter(condition)


def pupils_visible_in_session(*, viewer: Viewer, session: Session) -> QuerySet[Pupil]:
    """The session's pupils; a principal who is not its coach sees only their own pupils."""
    pupils = Pupil.objects.filter(
        pk__in=SessionPupil.objects.filter(session=session).values("pupil_id")
    ).select_related("class_group", "school")
    if viewer.coordinates(session.version.district_id):
        return pupils
    if viewer.coach is not None and session.coaches.filter(pk=viewer.coach.pk).exists():
        return pupils
    return pupils.filter(school_id__in=viewer.principal_sites)


def site_for(*, viewer: Viewer, site_id: int) -> Site:
    site = viewer.sites().select_related("district").filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def class_of_site(*, site: Site, class_id: int) -> ClassGroup:
    group = ClassGroup.objects.filter(site=site, pk=class_id).first()
    if group is None:
        raise Http404
    return group


def room_of_site(*, site: Site, room_id: int) -> Room:
    room = Room.objects.filter(site=site, pk=room_id).select_related("site").first()
    if room is None:
        raise Http404
    return room


def coach_at_site(*, site: Site, coach_id: int) -> Coach:
    """A coach who leads at least one published session at or for the school."""
    mine = sessions_of_school(site=site).filter(coaches__pk=coach_id)
    coach = Coach.objects.filter(pk=coach_id, district_id=site.district_id).first()
    if coach is None or not mine.exists():
        raise Http404
    return coach
