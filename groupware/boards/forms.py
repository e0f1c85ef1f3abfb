from django import forms
from django.utils.translation import gettext_lazy as _

from groupware.boards.models import Board
from groupware.models import Department
from groupware.org.forms import DATETIME_INPUTS, DateTimeLocalInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PostForm(forms.Form):
    # required=False: the service gives the Korean error next to the field
    title = forms.CharField(label=_("제목"), max_length=200, required=False)
    body = forms.CharField(
        label=_("본문"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("문단은 빈 줄로 나눕니다. 굵게·목록·링크 같은 HTML 서식도 쓸 수 있습니다."),
    )
    attachments = MultipleFileField(
        label=_("첨부파일"), required=False, help_text=_("최대 10개, 파일당 20MB")
    )
    is_important = forms.BooleanField(label=_("중요 공지(읽은 사람 기록)"), required=False)
    pinned_until = forms.DateTimeField(
        label=_("상단 고정 종료"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_INPUTS,
    )
    is_public = forms.BooleanField(label=_("외부 공개(기관 홈페이지·통합 포털)"), required=False)

    def __init__(self, *args, can_flag=False, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_flag:
            for name in ("is_important", "pinned_until", "is_public"):
                del self.fields[name]
        elif board is not None and board.kind != Board.Kind.NOTICE:
            del self.fields["is_public"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("댓글"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class BoardForm(forms.Form):
    name = forms.CharField(label=_("게시판 이름"), max_length=60)
    kind = forms.ChoiceField(label=_("구분"), choices=Board.Kind.choices)
    description = forms.CharField(label=_("설명"), max_length=200, required=False)
    department = forms.ModelChoiceField(
        label=_("부서"), queryset=Department.objects.none(), required=False
    )
    read_access = forms.ChoiceField(label=_("읽기 권한"), choices=Board.ReadAccess.choices)
    write_access = forms.ChoiceField(label=_("쓰기 권한"), choices=Board.WriteAccess.choices)
    allow_comments = forms.BooleanField(label=_("댓글 허용"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
