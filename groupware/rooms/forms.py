"""The internal booking form: a facility, a day, a time range, a purpose."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupware.org.forms import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class InternalBookingForm(forms.Form):
    facility = forms.TypedChoiceField(label=_("회의실·차량"), coerce=int)
    date = forms.DateField(label=_("날짜"), widget=DateInput())
    start_time = forms.TimeField(label=_("시작"), widget=TimeInput())
    end_time = forms.TimeField(label=_("종료"), widget=TimeInput())
    purpose = forms.CharField(label=_("사용 목적"), max_length=300)
    headcount = forms.IntegerField(label=_("인원"), min_value=0, max_value=9999, required=False)

    def __init__(self, *args, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._facilities = {f.pk: f for f in facilities}
        self.fields["facility"].choices = [
            (f.pk, f"{f.name} ({f.get_kind_display()})") for f in facilities
        ]

    def clean(self):
        data = super().clean()
        if "facility" in data:
            data["facility"] = self._facilities[data["facility"]]
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["start"] = timezone.make_aware(datetime.combine(day, start))
            data["end"] = timezone.make_aware(datetime.combine(day, end))
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("종료 시각은 시작 시각보다 늦어야 합니다."))
        return data
