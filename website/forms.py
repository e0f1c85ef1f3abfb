from django import forms
from django.utils.translation import gettext_lazy as _

from website.models import Disclosure, JobPosting, Page, SiteSettings


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PageForm(forms.Form):
    section = forms.ChoiceField(label=_("메뉴"), choices=Page.Section.choices)
    title = forms.CharField(label=_("제목"), max_length=200)
    slug = forms.CharField(
        label=_("주소 이름"),
        max_length=60,
        required=False,
        help_text=_("비워 두면 제목으로 만듭니다. 게시한 뒤에는 바꿀 수 없습니다."),
    )
    body = forms.CharField(
        label=_("본문"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("문단은 빈 줄로 나눕니다. 굵게·목록·표·링크 같은 HTML도 쓸 수 있습니다."),
    )
    order = forms.IntegerField(label=_("정렬 순서"), min_value=0, max_value=9999, initial=0)
    files = MultipleFileField(label=_("파일·이미지 첨부"), required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SiteSettings
        fields = ["tagline", "district", "map_url", "transit", "show_staff_in_org_chart"]
        widgets = {"transit": forms.Textarea(attrs={"rows": 4})}


class JobForm(forms.Form):
    title = forms.CharField(label=_("공고 제목"), max_length=200)
    department = forms.CharField(label=_("채용 부서"), max_length=60, required=False)
    employment_type = forms.ChoiceField(
        label=_("고용 형태"), choices=JobPosting.EmploymentType.choices
    )
    positions = forms.IntegerField(label=_("채용 인원"), min_value=1, max_value=999, initial=1)
    opens_at = forms.DateTimeField(
        label=_("접수 시작"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("접수 마감"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    body = forms.CharField(
        label=_("공고 내용"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    how_to_apply = forms.CharField(
        label=_("접수 방법"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(label=_("문의처"), max_length=120, required=False)
    files = MultipleFileField(label=_("첨부파일 (공고문, 응시원서 양식 등)"), required=False)


class DisclosureForm(forms.Form):
    category = forms.ChoiceField(label=_("분류"), choices=Disclosure.Category.choices)
    title = forms.CharField(label=_("제목"), max_length=200)
    year = forms.IntegerField(label=_("기준 연도"), required=False, min_value=1990, max_value=2100)
    body = forms.CharField(
        label=_("내용"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    files = MultipleFileField(label=_("첨부파일"), required=False)
