from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groupware.org.forms import (
    DATETIME_INPUTS,
    DateInput,
    DateTimeLocalInput,
    MemberChoiceField,
    members_queryset,
)
from groupware.schedule.models import Calendar, Event


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})"


class EventForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=_("캘린더"), queryset=Calendar.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("제목"), max_length=200, required=False)
    all_day = forms.BooleanField(label=_("종일"), required=False)
    starts_at = forms.DateTimeField(
        label=_("시작"), required=False, widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), required=False, widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    start_date = forms.DateField(label=_("시작일(종일)"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("종료일(종일)"), required=False, widget=DateInput())
    place = forms.CharField(label=_("장소"), max_length=200, required=False)
    description = forms.CharField(
        label=_("내용"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    repeat = forms.ChoiceField(label=_("반복"), choices=Event.Repeat.choices, required=False)
    repeat_until = forms.DateField(label=_("반복 종료일"), required=False, widget=DateInput())
    attendees = MemberMultipleChoiceField(
        label=_("참석자(초대)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, calendars=None, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = (
            calendars if calendars is not None else Calendar.objects.none()
        )
        self.fields["attendees"].queryset = members_queryset(institution)


class OccurrenceForm(forms.Form):
    """One occurrence of a repeating event: its own title, time and place."""

    title = forms.CharField(label=_("제목"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("시작"), required=False, widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), required=False, widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    start_date = forms.DateField(label=_("시작일(종일)"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("종료일(종일)"), required=False, widget=DateInput())
    place = forms.CharField(label=_("장소"), max_length=200, required=False)
    description = forms.CharField(
        label=_("내용"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, all_day=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at") if all_day else ("start_date", "end_date"):
            del self.fields[name]


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accepted", _("참석")), ("declined", _("불참"))])


__all__ = ["EventForm", "MemberChoiceField", "OccurrenceForm", "RespondForm"]
