"""The institution's rules for drafting: 양식 (forms with fields), 위임전결 규정 (by form and
amount) and approval-line templates shared by a department."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    TEXT = "text", _("글")
    NUMBER = "number", _("숫자")
    MONEY = "money", _("금액(원)")
    DATE = "date", _("날짜")
    CHOICE = "choice", _("선택")
    TABLE = "table", _("표(여러 줄)")


class FormTemplate(models.Model):
    """양식: a kind of document with its own fields, validated on submit, printed in the PDF.

    ``fields``: ``[{"key", "label", "type", "required", "choices": [...], "help",
    "columns": [{"key", "label", "type", "required", "sum_to"}]}]`` — a table's money
    column with ``sum_to`` must add up to that money field. ``amount_field`` names the
    money field that decides 전결 by amount (위임전결 규정).
    """

    code = models.SlugField(_("양식 코드"), max_length=40, unique=True)
    name = models.CharField(_("양식명"), max_length=60)
    description = models.CharField(_("설명"), max_length=300, blank=True)
    builtin = models.BooleanField(_("기본 양식"), default=False)
    fields = models.JSONField(default=list, blank=True)
    amount_field = models.CharField(_("전결 기준 금액 항목"), max_length=40, blank=True)
    requires_attachment = models.BooleanField(_("증빙 첨부 필수"), default=False)
    is_active = models.BooleanField(_("사용"), default=True)
    order = models.PositiveIntegerField(_("정렬 순서"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DelegationRule(models.Model):
    """위임전결 규정: for a form (and up to an amount), the position that gives final approval.

    Rules of one form are read from the smallest limit up: the first whose ``max_amount``
    covers the document's amount (or has none) decides; above every limit the head of
    the institution approves.
    """

    form = models.CharField(_("양식"), max_length=40)
    max_amount = models.BigIntegerField(_("금액 한도(원)"), null=True, blank=True)
    position = models.ForeignKey(
        "groupware.Position",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("전결권자 직위"),
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["form", models.F("max_amount").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "max_amount"],
                name="approval_delegation_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="approval_delegation_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} ≤ {self.max_amount or '∞'} → {self.position}"

    @property
    def form_label(self) -> str:
        from groupware.approval.models.documents import form_label

        return form_label(self.form)


class LineTemplate(models.Model):
    """A department's shared approval line: [{"user": id, "role": ..., "order": n}], cc ids."""

    department = models.ForeignKey(
        "groupware.Department", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("이름"), max_length=60)
    form = models.CharField(_("양식"), max_length=40, blank=True)
    steps = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_by_name = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="approval_line_template_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name
