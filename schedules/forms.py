"""Forms of the schedules app that more than one view module uses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schedules import services
from schools.models import District, RoomKind, Site, SiteWindow, Skill, Weekday


class WhatIfForm(forms.Form):
    """One hypothetical change: a coach, a room or a longer window, and the time limit."""

    CHANGES = [
        ("extra_coach", gettext_lazy("an extra coach")),
        ("extra_room", gettext_lazy("an extra room")),
        ("extend_window", gettext_lazy("a longer window")),
    ]

    time_limit = forms.TypedChoiceField(
        label=gettext_lazy("Time limit"),
        choices=[
            (s, gettext_lazy("%(s)s seconds") % {"s": s}) for s in services.TIME_LIMIT_CHOICES
        ],
        coerce=int,
        initial=60,
    )
    change = forms.ChoiceField(label=gettext_lazy("What if there were"), choices=CHANGES)
    site = forms.ChoiceField(label=gettext_lazy("School or venue"))
    day = forms.ChoiceField(label=gettext_lazy("Day"))
    start = forms.TimeField(
        label=gettext_lazy("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=gettext_lazy("Until (for a window: the new end)"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    skill = forms.ChoiceField(label=gettext_lazy("Coach's skill"), required=False)
    room_kind = forms.ChoiceField(label=gettext_lazy("Kind of room"), required=False)
    capacity = forms.IntegerField(
        label=gettext_lazy("Places in the room"),
        required=False,
        min_value=1,
        max_value=500,
        initial=25,
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["site"].choices = [
            (code, name)
            for code, name in Site.objects.filter(district=district)
            .order_by("kind", "name")
            .values_list("code", "name")
        ]
        self.fields["day"].choices = [(d, Weekday(d).label) for d in district.days]
        self.fields["skill"].choices = [("", "—")] + list(
            Skill.objects.filter(district=district).values_list("code", "name")
        )
        self.fields["room_kind"].choices = [("", "—")] + list(
            RoomKind.objects.filter(district=district).values_list("code", "name")
        )

    def clean(self):
        data = super().clean()
        change, end = data.get("change"), data.get("end")
        if not change or not data.get("site") or not data.get("day") or end is None:
            return data
        edit = {"kind": change, "site": data["site"], "day": data["day"]}
        if change == "extend_window":
            window = SiteWindow.objects.filter(
                site__district=self.district, site__code=data["site"], weekday=data["day"]
            ).first()
            if window is None:
                raise forms.ValidationError(
                    _("Only a school with a window on that day can have a longer window.")
                )
            if end <= window.end:
                raise forms.ValidationError(
                    _("The new end must be later than the window's current end (%(end)s).")
                    % {"end": window.end.strftime("%H:%M")}
                )
            edit["end"] = end.strftime("%H:%M")
        else:
            start = data.get("start")
            if start is None:
                raise forms.ValidationError(_("Give the hours: from and until."))
            if start >= end:
                raise forms.ValidationError(_("The start must be before the end."))
            edit.update(start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))
            if change == "extra_coach":
                if not data.get("skill"):
                    raise forms.ValidationError(_("Choose the coach's skill."))
                edit["skill"] = data["skill"]
            else:
                if not data.get("room_kind"):
                    raise forms.ValidationError(_("Choose the kind of room."))
                edit.update(room_kind=data["room_kind"], capacity=data.get("capacity") or 25)
        data["edit"] = edit
        return data
