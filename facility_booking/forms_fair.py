"""Forms of the fair-booking pages (추첨, 예약대기, 정기대관, 공정 예약 규칙, 이용 제한).
They parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facility_booking.errors import message
from facility_booking.forms import DATE_INPUT, TIME_INPUT, time_choices
from facility_booking.models import Facility, FacilityRules, LotteryRound, Visibility
from facility_booking.rules import aware, in_range
from privacy.public import ConsentFormMixin
from suite.dates import WEEKDAYS, kdate_weekday

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WEEKDAY_CHOICES = [(str(i), label) for i, label in enumerate(WEEKDAYS)]


def _phone_widget(field):
    field.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})


def _discount_field(form, facility: Facility) -> None:
    offered = list(facility.discounts.all())
    if not offered:
        del form.fields["discount_categories"]
        return
    field = form.fields["discount_categories"]
    field.choices = [(d.category, f"{d.get_category_display()} ({d.percent}%)") for d in offered]
    field.error_messages["invalid_choice"] = message("discount_not_offered")


class _PersonFields(ConsentFormMixin, forms.Form):
    # Each kind sets its own consent (privacy/consents.py): the text states the period of
    # that kind's retention rule (facility_booking/personal_data.py), not the booking's.
    purpose = forms.CharField(label=_("사용 목적"), max_length=300)
    headcount = forms.IntegerField(label=_("인원"), min_value=1, max_value=100000, initial=1)
    organisation = forms.CharField(label=_("단체명(선택)"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("연락처"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _phone_widget(self.fields["contact_phone"])
        self.fields["purpose"].error_messages["required"] = message("purpose_required")
        self.fields["contact_phone"].error_messages["required"] = message("contact_required")


# -- lottery -----------------------------------------------------------------------------


class LotteryApplyForm(_PersonFields):
    """Ranked choices: 1지망, 2지망, … (as many menus as the round allows)."""

    consent_set = "lottery"

    discount_categories = forms.MultipleChoiceField(
        label=_("감면 신청"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, round: LotteryRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        slots = [
            (
                str(s.pk),
                f"{kdate_weekday(s.start)} {timezone.localtime(s.start):%H:%M}–"
                f"{timezone.localtime(s.end):%H:%M}",
            )
            for s in round.slots.filter(outcome="offered")
        ]
        for rank in range(1, round.max_choices + 1):
            self.fields[f"choice_{rank}"] = forms.ChoiceField(
                label=gettext("%(n)s지망") % {"n": rank},
                required=rank == 1,
                choices=[("", gettext("선택 안 함"))] + slots,
                error_messages={
                    "required": message("round_choices_required"),
                    "invalid_choice": message("round_choice_unknown"),
                },
            )
        self.order_fields([f"choice_{r}" for r in range(1, round.max_choices + 1)])
        _discount_field(self, round.facility)

    def choices(self) -> list[int]:
        picked = [
            self.cleaned_data.get(f"choice_{r}") for r in range(1, self.round.max_choices + 1)
        ]
        return [int(p) for p in dict.fromkeys(p for p in picked if p)]


class RoundForm(forms.Form):
    """A new round: the facility, the application window and the slots on offer
    (every ``slot_minutes`` from ``day_start`` to ``day_end`` on the chosen weekdays)."""

    facility = forms.ModelChoiceField(label=_("시설"), queryset=Facility.objects.none())
    title = forms.CharField(label=_("제목"), max_length=120)
    description = forms.CharField(
        label=_("안내(선택)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    apply_opens_at = forms.DateTimeField(label=_("신청 시작"), widget=DATETIME_INPUT)
    apply_closes_at = forms.DateTimeField(label=_("신청 마감(추첨 시각)"), widget=DATETIME_INPUT)
    date_from = forms.DateField(label=_("이용 기간 시작"), widget=DATE_INPUT)
    date_to = forms.DateField(label=_("이용 기간 끝"), widget=DATE_INPUT)
    weekdays = forms.MultipleChoiceField(
        label=_("요일"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    day_start = forms.TimeField(label=_("하루 첫 시작"), widget=TIME_INPUT)
    day_end = forms.TimeField(label=_("하루 마지막 종료"), widget=TIME_INPUT)
    slot_minutes = forms.IntegerField(
        label=_("한 번 이용 시간(분)"), min_value=5, max_value=1440, initial=120
    )
    residents_only = forms.BooleanField(label=_("관내 거주자만 신청"), required=False)
    max_wins = forms.IntegerField(
        label=_("1인(단체) 최대 당첨 수"), min_value=1, max_value=20, initial=1
    )
    max_choices = forms.IntegerField(
        label=_("희망 시간 최대 선택 수"), min_value=1, max_value=10, initial=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(
            is_active=True, visibility=Visibility.PUBLIC
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            if data.get(name) and not in_range(data[name]):
                self.add_error(name, message("too_far"))
                return data
        if first and last and last < first:
            self.add_error("date_to", message("series_dates"))
        elif first and last and (last - first).days > 92:
            self.add_error("date_to", gettext("이용 기간은 93일 이내로 정해 주세요."))
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", message("end_before_start"))
        for name in ("apply_opens_at", "apply_closes_at"):
            if data.get(name) and not in_range(timezone.localtime(data[name]).date()):
                self.add_error(name, message("too_far"))
        return data


# -- waitlist -----------------------------------------------------------------------------


class WaitlistForm(_PersonFields):
    consent_set = "waitlist"
    date = forms.DateField(label=_("이용일"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("시작 시각"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("종료 시각"), widget=TIME_INPUT)

    def __init__(self, *args, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.order_fields(["date", "start_time", "end_time"])
        self.fields["headcount"].max_value = facility.capacity

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day and not in_range(day):
            self.add_error("date", message("too_far"))
            return data
        start, end = data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["start"] = aware(day, start)
            data["end"] = (
                aware(day + dt.timedelta(days=1), end) if end == dt.time(0) else aware(day, end)
            )
        return data


# -- recurring series ---------------------------------------------------------------------


class SeriesForm(_PersonFields):
    consent_set = "series"
    # "날짜 확인" (a preview of every date) needs no consent; the view checks the ticks
    # before "신청" stores anything.
    consent_required_on_clean = False

    weekday = forms.ChoiceField(label=_("요일"), choices=WEEKDAY_CHOICES)
    start_time = forms.ChoiceField(label=_("시작 시각"))
    end_time = forms.ChoiceField(label=_("종료 시각"))
    first_date = forms.DateField(label=_("첫 이용일"), widget=DATE_INPUT)
    last_date = forms.DateField(label=_("마지막 이용일"), widget=DATE_INPUT)
    discount_categories = forms.MultipleChoiceField(
        label=_("감면 신청(증빙은 승인 때 확인)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.facility = facility
        times = time_choices(facility)
        self.fields["start_time"].choices = times
        self.fields["end_time"].choices = times
        self.fields["organisation"].required = True
        self.fields["organisation"].label = _("단체(동호회)명")
        self.fields["organisation"].error_messages["required"] = message("series_organisation")
        self.fields["headcount"].max_value = facility.capacity
        self.order_fields(
            ["organisation", "weekday", "start_time", "end_time", "first_date", "last_date"]
        )
        _discount_field(self, facility)

    def clean(self):
        data = super().clean()
        for name in ("first_date", "last_date"):
            if data.get(name) and not in_range(data[name]):
                self.add_error(name, message("too_far"))
                return data
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "weekday": int(d["weekday"]),
            "start_time": dt.time.fromisoformat(d["start_time"]),
            "end_time": dt.time.fromisoformat(d["end_time"]),
            "first_date": d["first_date"],
            "last_date": d["last_date"],
            "organisation": d["organisation"],
            "purpose": d["purpose"],
            "contact_phone": d["contact_phone"],
            "headcount": d["headcount"],
            "discount_categories": d.get("discount_categories", []),
        }


class DatesForm(forms.Form):
    """Dates of a series picked by checkbox (none picked: all that apply)."""

    dates = forms.MultipleChoiceField(
        label=_("날짜"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("사유"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [
            (str(r.pk), f"{kdate_weekday(r.start)} {timezone.localtime(r.start):%H:%M}")
            for r in rows
        ]
        self.fields["dates"].error_messages["invalid_choice"] = message("series_date_unknown")

    def picked(self) -> list[int] | None:
        chosen = [int(i) for i in self.cleaned_data.get("dates") or []]
        return chosen or None


class SeriesDecisionForm(DatesForm):
    decision = forms.ChoiceField(
        label=_("처리"),
        choices=[("approve", _("승인")), ("reject", _("반려"))],
        widget=forms.RadioSelect,
    )
    discount_category = forms.ChoiceField(label=_("적용 감면"), required=False)

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount_category"].choices = [
            ("keep", _("신청한 감면 그대로")),
            ("", _("감면 없음")),
        ] + [
            (d.category, f"{d.get_category_display()} ({d.percent}%)")
            for d in series.facility.discounts.all()
        ]
        self.fields["discount_category"].initial = "keep"


# -- rules and sanctions -------------------------------------------------------------------


class RulesForm(forms.ModelForm):
    class Meta:
        model = FacilityRules
        fields = [
            "scope",
            "week_limit",
            "month_limit",
            "weekend_daily_limit",
            "residents_first_days",
            "no_show_limit",
            "no_show_window_days",
            "sanction_days",
            "waitlist_enabled",
            "waitlist_offer_hours",
            "series_enabled",
            "series_max_weeks",
        ]

    BOUNDS = {
        "week_limit": (0, 100),
        "month_limit": (0, 400),
        "residents_first_days": (0, 60),
        "no_show_limit": (0, 50),
        "no_show_window_days": (1, 730),
        "sanction_days": (1, 365),
        "waitlist_offer_hours": (1, 168),
        "series_max_weeks": (1, 104),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.BOUNDS.items():
            self.fields[name].widget.attrs.update({"min": low, "max": high})

    def clean(self):
        data = super().clean()
        for name, (low, high) in self.BOUNDS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    gettext("%(low)s–%(high)s 사이로 입력해 주세요.") % {"low": low, "high": high},
                )
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SanctionForm(forms.Form):
    email = forms.EmailField(label=_("대상자 이메일"))
    facility = forms.ModelChoiceField(
        label=_("시설(비우면 모든 시설)"), required=False, queryset=Facility.objects.none()
    )
    days = forms.IntegerField(
        label=_("제한 기간(일)"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("오늘로부터 이 일수가 지난 날의 하루가 끝날 때(24:00)까지 제한합니다."),
    )
    reason = forms.CharField(
        label=_("사유"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.all()
