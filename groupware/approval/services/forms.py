"""양식 관리: an institution admin defines document forms and their fields (built-in forms
keep theirs; their description and use may change). Every change is audited."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from groupware.approval.errors import invalid
from groupware.approval.formdata import clean_definition
from groupware.approval.models import Form, FormTemplate
from groupware.approval.permissions import can_manage_forms
from institution.audit import audit_record

CODE_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
# forms the suite itself relies on: they cannot be switched off
ALWAYS_ON = {Form.GENERAL, Form.LEAVE}


def _clean_amount_field(fields: list[dict], amount_field: str) -> str:
    amount_field = (amount_field or "").strip()
    if not amount_field:
        return ""
    if not any(f["key"] == amount_field and f["type"] == "money" for f in fields):
        raise invalid("form_amount_field", "amount_field")
    return amount_field


@transaction.atomic
def form_template_save(
    *,
    actor,
    institution,
    template: FormTemplate | None = None,
    code: str = "",
    name: str,
    description: str = "",
    fields=None,
    amount_field: str = "",
    requires_attachment: bool = False,
    is_active: bool = True,
    order: int = 100,
) -> FormTemplate:
    """Create a form (``template`` None) or change one. Built-in forms keep their fields."""
    if not can_manage_forms(actor, institution):
        raise PermissionDenied
    name = (name or "").strip()[:60]
    if not name:
        raise invalid("form_name_required", "name")
    if template is not None:
        template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    if template is None:
        code = (code or "").strip().lower()
        if not CODE_RE.match(code):
            raise invalid("form_code_invalid", "code")
        if FormTemplate.objects.filter(code=code).exists():
            raise invalid("form_code_taken", "code")
        template = FormTemplate(code=code, builtin=False)
    if template.builtin:
        if fields is not None and fields != template.fields:
            raise invalid("form_builtin", "fields")
        if not is_active and template.code in ALWAYS_ON:
            raise invalid("form_builtin", "is_active")
    else:
        cleaned = clean_definition(fields if fields is not None else template.fields or [])
        template.fields = cleaned
        template.amount_field = _clean_amount_field(cleaned, amount_field)
        template.requires_attachment = bool(requires_attachment)
    template.name = name
    template.description = (description or "").strip()[:300]
    template.is_active = bool(is_active)
    template.order = max(0, min(int(order or 0), 100000))
    try:
        template.full_clean(exclude=["fields"])
    except ValidationError as error:
        raise invalid("form_code_invalid", "code") from error
    template.save()
    audit_record(
        actor=actor,
        action="approval.form_save",
        summary=f"양식 저장: {template.name} ({template.code})",
        target=template,
    )
    return template
