"""Forms of the workspace. They only parse input; services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groupware.models import Absence, Department, Position, Rank


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})"


def members_queryset(institution):
    from groupware.org.selectors import member_user_ids

    return User.objects.filter(pk__in=member_user_ids(institution)).order_by("name")


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("부서명"), max_length=60)
    short_name = forms.CharField(
        label=_("처리과명(약칭)"),
        max_length=30,
        required=False,
        help_text=_("문서번호에 쓰입니다. 예: 문화예술팀"),
    )
    kind = forms.ChoiceField(label=_("구분"), choices=Department.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("상위 부서"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(최상위)"),
    )
    order = forms.IntegerField(label=_("정렬 순서"), min_value=0, initial=0, required=False)
    phone = forms.CharField(label=_("대표 전화"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Department.objects.filter(is_active=True)


class DepartmentEditForm(forms.Form):
    name = forms.CharField(label=_("부서명"), max_length=60)
    short_name = forms.CharField(label=_("처리과명(약칭)"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("구분"), choices=Department.Kind.choices)
    order = forms.IntegerField(label=_("정렬 순서"), min_value=0, max_value=100000)
    phone = forms.CharField(label=_("대표 전화"), max_length=30, required=False)
    is_document_office = forms.BooleanField(
        label=_("문서과"),
        required=False,
        help_text=_("다른 기관에서 온 공문을 접수·배부하는 부서입니다."),
    )
    is_active = forms.BooleanField(label=_("사용"), required=False)


class DepartmentMoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("새 상위 부서"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(최상위)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Department.objects.filter(is_active=True)


class ProfileSelfForm(forms.Form):
    extension = forms.CharField(label=_("내선번호"), max_length=20, required=False)
    duties = forms.CharField(label=_("담당 업무"), max_length=200, required=False)
    photo = forms.ImageField(label=_("사진"), required=False)


class ProfileAdminForm(ProfileSelfForm):
    department = forms.ModelChoiceField(
        label=_("부서"), queryset=Department.objects.none(), required=False
    )
    position = forms.ModelChoiceField(
        label=_("직위"), queryset=Position.objects.all(), required=False
    )
    rank = forms.ModelChoiceField(label=_("직급"), queryset=Rank.objects.all(), required=False)
    is_department_head = forms.BooleanField(label=_("부서장"), required=False)
    hire_date = forms.DateField(
        label=_("입사일"),
        required=False,
        widget=DateInput(),
        help_text=_("입력하면 연차가 근로기준법 제60조에 따라 입사일부터 산정됩니다."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)


class AbsenceForm(forms.Form):
    user = MemberChoiceField(label=_("부재자"), queryset=User.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("구분"), choices=Absence.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("시작"), widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), widget=DateTimeLocalInput(), input_formats=DATETIME_INPUTS
    )
    deputy = MemberChoiceField(
        label=_("대결자(직무대리)"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)

    def __init__(self, *args, institution=None, can_pick_user=False, **kwargs):
        super().__init__(*args, **kwargs)
        members = members_queryset(institution)
        self.fields["deputy"].queryset = members
        if can_pick_user:
            self.fields["user"].queryset = members
            self.fields["user"].help_text = _("비워 두면 본인의 부재로 등록합니다.")
        else:
            del self.fields["user"]


class HandoverForm(forms.Form):
    from_user = MemberChoiceField(label=_("인계자(퇴직·전보자)"), queryset=User.objects.none())
    to_user = MemberChoiceField(label=_("인수자"), queryset=User.objects.none())
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)
    deactivate_profile = forms.BooleanField(
        label=_("인계자를 조직도에서 제외(퇴직)"), required=False
    )

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        from groupware.models import StaffProfile

        members = members_queryset(institution)
        # a leaver may already be deactivated as a member; their profile still exists
        self.fields["from_user"].queryset = User.objects.filter(
            pk__in=list(members.values_list("pk", flat=True))
            + list(StaffProfile.objects.values_list("user_id", flat=True))
        ).order_by("name")
        self.fields["to_user"].queryset = members


class PositionForm(forms.Form):
    name = forms.CharField(label=_("직위"), max_length=30)
    level = forms.IntegerField(
        label=_("서열"), min_value=1, max_value=999, help_text=_("숫자가 작을수록 상위 직위")
    )


class RankForm(forms.Form):
    name = forms.CharField(label=_("직급"), max_length=30)
    order = forms.IntegerField(label=_("정렬 순서"), min_value=0, max_value=999)
