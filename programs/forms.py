from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.public import ConsentFormMixin
from programs.models import Audience, Category
from suite.dates import WEEKDAYS

WEEKDAY_CHOICES = list(enumerate(WEEKDAYS))  # lazy: in the reader's language


class ProgramForm(forms.Form):
    title = forms.CharField(label=_("프로그램명"), max_length=200)
    category = forms.ChoiceField(label=_("구분"), choices=Category.choices)
    summary = forms.CharField(label=_("한 줄 소개"), max_length=200, required=False)
    description = forms.CharField(
        label=_("소개"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    instructor = forms.CharField(label=_("강사·진행"), max_length=60, required=False)
    start_date = forms.DateField(label=_("시작일"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("종료일"), widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("요일"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("비워 두면 기간 중 매일입니다."),
    )
    start_time = forms.TimeField(
        label=_("시작 시각"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("종료 시각"), widget=forms.TimeInput(attrs={"type": "time"}))
    schedule_note = forms.CharField(label=_("일정 비고"), max_length=200, required=False)
    place = forms.CharField(label=_("장소"), max_length=120, required=False)
    facility = forms.TypedChoiceField(
        label=_("시설 (선택)"), required=False, coerce=int, empty_value=None
    )
    audience = forms.ChoiceField(label=_("대상"), choices=Audience.choices)
    age_min = forms.IntegerField(
        label=_("최소 나이 (만)"), min_value=0, max_value=120, required=False
    )
    age_max = forms.IntegerField(
        label=_("최대 나이 (만)"), min_value=0, max_value=120, required=False
    )
    residents_only = forms.BooleanField(label=_("관내 거주자만 신청"), required=False)
    fee = forms.IntegerField(label=_("수강료(원)"), min_value=0, max_value=10_000_000, initial=0)
    capacity = forms.IntegerField(label=_("정원"), min_value=1, max_value=100_000)
    waitlist_limit = forms.IntegerField(
        label=_("대기 인원 한도"), min_value=0, max_value=10_000, initial=10
    )
    applications_open_at = forms.DateTimeField(
        label=_("신청 시작"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    applications_close_at = forms.DateTimeField(
        label=_("신청 마감"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, facilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("— 시설 없음 —"))] + [
            (f.pk, f.name) for f in facilities
        ]


class ApplyForm(ConsentFormMixin, forms.Form):
    # The applicant's name, e-mail, phone, birth date and residency are collected:
    # PIPA §15/§22 consent, shown apart with items, purpose and retention (privacy.consents).
    consent_set = "program"

    birth_date = forms.DateField(
        label=_("생년월일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    resident_declared = forms.BooleanField(
        label=_("관내에 거주하고 있습니다 (확인 서류를 요청할 수 있습니다)"), required=False
    )
    phone = forms.CharField(label=_("연락처"), max_length=30, required=False)

    def __init__(self, *args, program=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        needs_age = program is not None and (
            program.age_min is not None or program.age_max is not None
        )
        if not needs_age or getattr(user, "birth_date", None):
            del self.fields["birth_date"]
        if program is None or not program.residents_only:
            del self.fields["resident_declared"]
        if getattr(user, "phone", ""):
            del self.fields["phone"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("사유"), max_length=300)
