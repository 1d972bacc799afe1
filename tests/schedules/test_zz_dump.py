import pytest
from django.urls import reverse
from schools.models import Site, ClassGroup, Pupil, Membership
from tests.factories import UserFactory
pytestmark = pytest.mark.django_db
def test_dump(client, district, published, coordinator):
    school = Site.objects.get(district=district, code="S1")
    p = Pupil.objects.filter(school=school).first()
    Pupil.objects.filter(pk=p.pk).update(given_name="Şeyma", surname="Çelik")
    client.force_login(coordinator)
    g = ClassGroup.objects.filter(site=school).first()
    open("/tmp/x/class.pdf","wb").write(client.get(reverse("schedules:class_pdf", args=[school.pk, g.pk])).content)
    open("/tmp/x/pupils.pdf","wb").write(client.get(reverse("schedules:school_pupils_pdf", args=[school.pk])).content)
    open("/tmp/x/school.pdf","wb").write(client.get(reverse("schedules:school_pdf", args=[school.pk])).content)
    open("/tmp/x/dash.html","wb").write(client.get(reverse("schedules:district_dashboard", args=[district.code])).content)
    from schools.models import Coach
    from schedules.models import Session
    c = Coach.objects.filter(pk__in=Session.coaches.through.objects.values("coach_id")).first()
    u = UserFactory(username="cc"); c.user = u; c.save()
    client.force_login(u)
    open("/tmp/x/week.html","wb").write(client.get(reverse("schedules:coach_week")).content)
