"""Forms of the booking pages. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facility_booking.errors import message
from facility_booking.models import (
    ACCESSIBILITY,
    AMENITIES,
    BlockReason,
    DiscountCategory,
    Facility,
    FacilityKind,
    PaymentMethod,
    Status,
)
from facility_booking.rules import aware, in_range
from facility_booking.templatetags.fb import won
from privacy.public import ConsentFormMixin

lazy_message = lazy(message, str)
DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# Largest fee a person may type (the API uses the same bound); keeps sums inside
# PostgreSQL's integer columns.
MAX_AMOUNT = 100_000_000
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def time_choices(facility: Facility) -> list[tuple[str, str]]:
    """Every slot boundary between the earliest opening and the latest closing."""
    hours = list(facility.hours.all())
    opens = min((h.opens for h in hours), default=dt.time(9))
    closes = max((h.closes for h in hours), default=dt.time(18))
    unit = facility.slot_minutes
    minute = opens.hour * 60 + opens.minute
    minute -= minute % unit
    end = closes.hour * 60 + closes.minute
    out = []
    while minute <= end and minute < 24 * 60:
        label = f"{minute // 60:02d}:{minute % 60:02d}"
        out.append((label, label))
        minute += unit
    return out


def _menu(times: list[str], current: str, empty: str) -> list[tuple[str, str]]:
    """A time menu; a blank first entry when the current value is not one of the times
    (nothing wrong is shown as chosen)."""
    choices = [(t, t) for t in times]
    if current not in times:
        choices.insert(0, ("", empty if not times else gettext("선택")))
    return choices


class SlotTimeField(forms.ChoiceField):
    """A time picked from the slot boundaries; any other well-formed HH:MM passes on
    to the booking rules, which say precisely what is wrong (not on the slot unit,
    outside opening hours) instead of a generic "not one of the choices"."""

    default_error_messages = {"invalid_choice": _("시각을 HH:MM 형식으로 선택해 주세요.")}

    def valid_value(self, value):
        if super().valid_value(value):
            return True
        text = str(value)
        if len(text) != 5 or text[2] != ":" or not text.replace(":", "").isdecimal():
            return False
        try:
            dt.time.fromisoformat(text)
        except ValueError:
            return False
        return text.isascii()


class FacilityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("종류"), required=False, choices=[("", _("전체"))] + FacilityKind.choices
    )
    capacity = forms.IntegerField(label=_("최소 인원"), required=False, min_value=1)
    date = forms.DateField(label=_("빈 시간이 있는 날짜"), required=False, widget=DATE_INPUT)

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and not in_range(value):
            raise forms.ValidationError(message("too_far"))
        return value


class ApplyForm(ConsentFormMixin, forms.Form):
    consent_set = "booking"  # privacy/consents.py: items, purpose, retention shown
    consent_required_on_clean = False  # price previews need no tick; submitting does
    date = forms.DateField(label=_("이용일"), widget=DATE_INPUT)
    start_time = SlotTimeField(label=_("시작 시각"))
    end_time = SlotTimeField(label=_("종료 시각"))
    purpose = forms.CharField(
        label=_("사용 목적"),
        max_length=300,
        error_messages={"required": lazy_message("purpose_required")},
    )
    headcount = forms.IntegerField(label=_("인원"), min_value=0, initial=1)
    organisation = forms.CharField(label=_("단체명(선택)"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("연락처"), max_length=30, required=False)
    discount_categories = forms.MultipleChoiceField(
        label=_("감면 신청(증빙은 승인 시 확인)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("여러 항목에 해당하면 가장 큰 감면 하나만 적용됩니다."),
    )
    equipment_ids = forms.MultipleChoiceField(
        label=_("추가 장비"), required=False, widget=forms.CheckboxSelectMultiple
    )
    discount_proof = forms.FileField(
        label=_("감면 증빙 파일 (PDF·JPG·PNG, 5MB 이하)"),
        required=False,
        help_text=_(
            "장애인 복지카드, 수급자 증명서 등. 어르신 감면은 내 정보의 생년월일, "
            "관내 거주자 감면은 거주지 주소로 확인합니다."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(
        self,
        *args,
        facility: Facility,
        on_behalf: bool = False,
        slot_menus: bool = False,
        fit: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.facility = facility
        times = time_choices(facility)
        self.fields["start_time"].choices = times
        self.fields["end_time"].choices = times
        self.no_free_time = False
        if slot_menus:
            self._slot_menus(fit=fit)
        offered = list(facility.discounts.all())
        self.fields["discount_categories"].choices = [
            (d.category, f"{d.get_category_display()} ({d.percent}%)") for d in offered
        ]
        self.fields["discount_categories"].error_messages["invalid_choice"] = message(
            "discount_not_offered"
        )
        if not offered:
            del self.fields["discount_categories"]
            del self.fields["discount_proof"]
        equipment = list(facility.equipment.all())
        self.fields["equipment_ids"].choices = [
            (str(e.pk), f"{e.name} ({won(e.fee)})") for e in equipment
        ]
        self.fields["equipment_ids"].error_messages["invalid_choice"] = message("equipment_unknown")
        if not equipment:
            del self.fields["equipment_ids"]
        self.fields["headcount"].max_value = facility.capacity
        self.fields["headcount"].widget.attrs["max"] = facility.capacity
        self.fields["contact_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel"}
        )
        if on_behalf:
            self.fields["applicant_name"] = forms.CharField(label=_("신청자 이름"), max_length=60)
            self.fields["applicant_email"] = forms.EmailField(
                label=_("신청자 이메일(회원이면 내 예약에 표시)"), required=False
            )
            self.order_fields(["applicant_name", "applicant_email"])
        self.fields["headcount"].validators = []  # the service says it in Korean

    def _value(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), "") or "")
        value = self.initial.get(name, self.fields[name].initial)
        return value.isoformat() if isinstance(value, dt.date) else str(value or "")

    def _slot_menus(self, *, fit: bool) -> None:
        """The start menu offers the chosen day's free starts, the end menu only the ends
        the rules allow after the chosen start (availability.start_times / end_times).

        ``fit`` (the page refreshing itself after a change): a start or end the new menus
        no longer offer is moved to the first one they do, as the visitor sees it.
        """
        from facility_booking import availability

        try:
            day = dt.date.fromisoformat(self._value("date"))
        except ValueError:
            return
        if not in_range(day):
            return
        starts = [t.strftime("%H:%M") for t in availability.start_times(self.facility, day)]
        start = self._value("start_time")
        if fit and starts and start not in starts:
            start = starts[0]
        ends: list[str] = []
        if start in starts or (start and not fit):
            try:
                begin = dt.time.fromisoformat(start)
            except ValueError:
                begin = None
            if begin is not None:
                ends = [
                    t.strftime("%H:%M")
                    for t in availability.end_times(self.facility, day, begin)
                    if t > begin or t == dt.time(0)
                ]
        end = self._value("end_time")
        if fit and ends and end not in ends:
            end = ends[0]
        if fit and self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("start_time")] = start
            self.data[self.add_prefix("end_time")] = end
        elif not self.is_bound:
            if starts and start not in starts:
                start = starts[0]
                self.initial["start_time"] = start
                ends = [
                    t.strftime("%H:%M")
                    for t in availability.end_times(
                        self.facility, day, dt.time.fromisoformat(start)
                    )
                ]
            if ends and end not in ends:
                self.initial["end_time"] = ends[0]
        self.no_free_time = not starts
        self.fields["start_time"].choices = _menu(starts, start, gettext("예약 가능한 시간 없음"))
        self.fields["end_time"].choices = _menu(ends, end, gettext("시작 시각을 먼저 선택"))

    def clean(self):
        data = super().clean()
        # A facility that offers no discount / equipment has no such field; a crafted
        # claim is refused like the API refuses it, not silently dropped.
        for name, code in (
            ("discount_categories", "discount_not_offered"),
            ("equipment_ids", "equipment_unknown"),
        ):
            posted = (
                self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
            )
            if name not in self.fields and any(posted):
                self.add_error(None, message(code))
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and not in_range(day):
            self.add_error("date", message("too_far"))
            return data
        if day and start and end:
            start_dt = aware(day, dt.time.fromisoformat(start))
            end_time = dt.time.fromisoformat(end)
            end_dt = aware(day, end_time)
            if end_time == dt.time(0) and start != "00:00":
                end_dt = aware(day + dt.timedelta(days=1), end_time)
            data["start"], data["end"] = start_dt, end_dt
        return data

    def clean_discount_proof(self):
        from facility_booking.services.discounts import check_proof_file

        upload = self.cleaned_data.get("discount_proof")
        if not upload:
            return None
        try:
            data, content_type = check_proof_file(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        upload.seek(0)
        return upload

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "start": d["start"],
            "end": d["end"],
            "purpose": d.get("purpose", ""),
            "headcount": d.get("headcount") or 0,
            "organisation": d.get("organisation", ""),
            "contact_phone": d.get("contact_phone", ""),
            "discount_categories": d.get("discount_categories", []),
            "equipment_ids": [int(i) for i in d.get("equipment_ids", [])],
        }


class ProofForm(forms.Form):
    """A 감면 proof for one of the booking's claimed categories."""

    category = forms.ChoiceField(label=_("감면 항목"))
    file = forms.FileField(
        label=_("증빙 파일 (PDF·JPG·PNG, 5MB 이하)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        claimed = [c for c in (reservation.claimed_discounts or []) if c in DiscountCategory.values]
        self.fields["category"].choices = [(c, DiscountCategory(c).label) for c in claimed]
        self.fields["category"].error_messages["invalid_choice"] = message("proof_category")


class DiscountDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("감면 확인 결과"),
        choices=[("accept", _("증빙 확인, 감면 적용")), ("refuse", _("감면 불가"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("사유 (감면 불가 시 필수, 신청자에게 안내됨)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class ApproveForm(forms.Form):
    discount_category = forms.ChoiceField(label=_("적용 감면"), required=False)
    fee = forms.IntegerField(
        label=_("이용료 조정(원, 비우면 계산 금액)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
    )
    note = forms.CharField(
        label=_("메모"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount_category"].choices = [("", _("감면 없음"))] + [
            (d.category, f"{d.get_category_display()} ({d.percent}%)")
            for d in reservation.facility.discounts.all()
        ]
        self.fields["discount_category"].initial = reservation.discount_category


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("금액(원)"), min_value=0, max_value=MAX_AMOUNT)
    method = forms.ChoiceField(label=_("결제 방법"), choices=PaymentMethod.choices)
    note = forms.CharField(label=_("메모"), required=False, max_length=500)


class BlockForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("시설"), queryset=Facility.objects.none())
    date = forms.DateField(label=_("날짜"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("시작"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("종료"), widget=TIME_INPUT)
    reason = forms.ChoiceField(label=_("구분"), choices=BlockReason.choices)
    note = forms.CharField(label=_("내용"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("date") and not in_range(data["date"]):
            self.add_error("date", message("too_far"))
            return data
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            data["start"] = aware(data["date"], data["start_time"])
            data["end"] = aware(data["date"], data["end_time"])
        return data


class BookingSearchForm(forms.Form):
    status = forms.ChoiceField(
        label=_("상태"), required=False, choices=[("", _("전체"))] + Status.choices[:-1]
    )
    facility = forms.ModelChoiceField(
        label=_("시설"), required=False, queryset=Facility.objects.none()
    )
    date_from = forms.DateField(label=_("이용일 부터"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("까지"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=_("신청자·단체·번호"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.all()


class FacilityForm(forms.ModelForm):
    amenities = forms.MultipleChoiceField(
        label=_("편의 시설"), required=False, choices=AMENITIES, widget=forms.CheckboxSelectMultiple
    )
    accessibility = forms.MultipleChoiceField(
        label=_("접근성"),
        required=False,
        choices=ACCESSIBILITY,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "visibility",
            "is_active",
            "description",
            "capacity",
            "address",
            "building",
            "floor",
            "amenities",
            "accessibility",
            "contact_name",
            "contact_phone",
            "contact_email",
            "closes_on_holidays",
            "approval_required",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "window_open_days",
            "window_open_time",
            "window_close_hours",
            "buffer_minutes",
            "max_active_per_person",
            "payment_days",
            "base_fee",
            "evening_from",
            "evening_surcharge_percent",
            "weekend_surcharge_percent",
            "holiday_surcharge_percent",
            "conditions",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 4}),
            "window_open_time": TIME_INPUT,
            "evening_from": TIME_INPUT,
        }

    def clean(self):
        data = super().clean()
        slot = data.get("slot_minutes")
        for name in ("min_minutes", "max_minutes"):
            value = data.get(name)
            if slot and value and value % slot:
                self.add_error(name, _("예약 단위(%(slot)s분)의 배수여야 합니다.") % {"slot": slot})
        low, high = data.get("min_minutes"), data.get("max_minutes")
        if low and high and low > high:
            self.add_error("max_minutes", _("최소 이용 시간보다 짧을 수 없습니다."))
        if slot is not None and (slot < 5 or slot > 1440):
            self.add_error("slot_minutes", _("5분에서 1440분 사이로 입력해 주세요."))
        if (data.get("base_fee") or 0) > MAX_AMOUNT:
            self.add_error(
                "base_fee", _("%(max)s원 이하로 입력해 주세요.") % {"max": f"{MAX_AMOUNT:,}"}
            )
        for name in (
            "evening_surcharge_percent",
            "weekend_surcharge_percent",
            "holiday_surcharge_percent",
        ):
            if (data.get(name) or 0) > 1000:
                self.add_error(name, _("0%에서 1000% 사이로 입력해 주세요."))
        return data


WEEKDAY_NAMES = [
    _("월요일"),
    _("화요일"),
    _("수요일"),
    _("목요일"),
    _("금요일"),
    _("토요일"),
    _("일요일"),
]


class HoursForm(forms.Form):
    """Opens/closes per weekday; both blank = closed that day."""

    def __init__(self, *args, facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {h.weekday: h for h in facility.hours.all()} if facility else {}
        for day, name in enumerate(WEEKDAY_NAMES):
            hours = current.get(day)
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=gettext("%(day)s 시작") % {"day": name},
                required=False,
                widget=TIME_INPUT,
                initial=hours.opens if hours else (dt.time(9) if not facility else None),
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=gettext("%(day)s 종료") % {"day": name},
                required=False,
                widget=TIME_INPUT,
                initial=hours.closes if hours else (dt.time(22) if not facility else None),
            )

    def clean(self):
        data = super().clean()
        for day, name in enumerate(WEEKDAY_NAMES):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if bool(opens) != bool(closes):
                self.add_error(
                    f"closes_{day}",
                    _("%(day)s: 시작과 종료를 모두 입력하거나 모두 비워 주세요.") % {"day": name},
                )
            elif opens and closes and opens >= closes:
                self.add_error(
                    f"closes_{day}", _("%(day)s: 종료는 시작보다 늦어야 합니다.") % {"day": name}
                )
        return data

    def hours(self) -> dict:
        d = self.cleaned_data
        return {
            day: (d[f"opens_{day}"], d[f"closes_{day}"]) if d.get(f"opens_{day}") else None
            for day in range(7)
        }

    def rows(self):
        return [
            (name, self[f"opens_{day}"], self[f"closes_{day}"])
            for day, name in enumerate(WEEKDAY_NAMES)
        ]


class DiscountsForm(forms.Form):
    def __init__(self, *args, facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {d.category: d.percent for d in facility.discounts.all()} if facility else {}
        for category, label in DiscountCategory.choices:
            self.fields[category] = forms.IntegerField(
                label=f"{label} (%)",
                required=False,
                min_value=0,
                max_value=100,
                initial=current.get(category),
            )

    def discounts(self) -> dict:
        return {c: self.cleaned_data.get(c) or 0 for c in DiscountCategory.values}


class RefundTiersForm(forms.Form):
    ROWS = 5

    def __init__(self, *args, facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(facility.refund_tiers.all()) if facility else []
        if not facility:
            defaults = [(7, 100), (3, 90), (1, 70), (0, 0)]
        else:
            defaults = [(t.min_days_before, t.percent) for t in current]
        for row in range(self.ROWS):
            days, percent = defaults[row] if row < len(defaults) else (None, None)
            self.fields[f"days_{row}"] = forms.IntegerField(
                label=_("이용일 N일 전부터"),
                required=False,
                min_value=0,
                max_value=730,
                initial=days,
            )
            self.fields[f"percent_{row}"] = forms.IntegerField(
                label=_("환불율(%)"), required=False, min_value=0, max_value=100, initial=percent
            )

    def clean(self):
        data = super().clean()
        for row in range(self.ROWS):
            if f"days_{row}" in self.errors or f"percent_{row}" in self.errors:
                continue  # already told what is wrong with the number itself
            if (data.get(f"days_{row}") is None) != (data.get(f"percent_{row}") is None):
                self.add_error(f"percent_{row}", _("일수와 환불율을 함께 입력해 주세요."))
        return data

    def tiers(self) -> list[tuple[int, int]]:
        d = self.cleaned_data
        return [
            (d[f"days_{r}"], d[f"percent_{r}"])
            for r in range(self.ROWS)
            if d.get(f"days_{r}") is not None and d.get(f"percent_{r}") is not None
        ]

    def rows(self):
        return [(self[f"days_{r}"], self[f"percent_{r}"]) for r in range(self.ROWS)]


class EquipmentForm(forms.Form):
    items = forms.CharField(
        label=_("추가 장비 (한 줄에 하나: 장비명, 요금)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "빔프로젝터, 10000"}),
    )

    def __init__(self, *args, facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if facility is not None:
            self.fields["items"].initial = "\n".join(
                f"{e.name}, {e.fee}" for e in facility.equipment.all()
            )

    def clean_items(self):
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, fee = line.rpartition(",")
            try:
                fee_value = int(fee.strip().replace("원", "").replace(" ", ""))
            except ValueError:
                fee_value = -1
            if not name.strip() or fee_value < 0:
                raise forms.ValidationError(
                    _("%(n)s번째 줄: '장비명, 요금' 형식으로 입력해 주세요.") % {"n": number}
                )
            if fee_value > MAX_AMOUNT:
                raise forms.ValidationError(
                    _("%(n)s번째 줄: 요금은 %(max)s원 이하로 입력해 주세요.")
                    % {"n": number, "max": f"{MAX_AMOUNT:,}"}
                )
            items.append((name.strip()[:80], fee_value))
        return items


class ClosedDateForm(forms.Form):
    date = forms.DateField(label=_("휴관일"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("사유"), required=False, max_length=120)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("지난 날짜는 지정할 수 없습니다."))
        if not in_range(value):
            raise forms.ValidationError(message("too_far"))
        return value


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("사진"))
    caption = forms.CharField(label=_("설명"), required=False, max_length=120)


class ReportForm(forms.Form):
    month = forms.CharField(
        label=_("월"), widget=forms.DateInput(attrs={"type": "month"}), required=False
    )
    facility = forms.ModelChoiceField(
        label=_("시설"), required=False, queryset=Facility.objects.none(), empty_label=_("전체")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.all()

    def clean_month(self):
        value = self.cleaned_data.get("month") or timezone.localdate().strftime("%Y-%m")
        try:
            year, month = (int(p) for p in value.split("-"))
            first = dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("YYYY-MM 형식으로 입력해 주세요.")) from None
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("2000년부터 2100년 사이로 입력해 주세요."))
        return first
