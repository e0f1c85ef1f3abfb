"""전자결재 administration pages (institution admins): 양식 (forms and their fields), the
직인, settings (hourly leave), and the delegation table by form and amount."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import staff_page
from groupware.approval import leave as leave_rules
from groupware.approval import permissions, selectors, services
from groupware.approval.formdata import COLUMN_TYPES, TYPES
from groupware.approval.models import DelegationRule, FieldType, FormTemplate, Seal
from groupware.approval.views.common import error_text, nav_counts
from groupware.models import Position
from institution.audit import audit_record

FIELD_ROWS = 12
SEAL_MAX_BYTES = 2 * 1024 * 1024


def _base(request, **extra) -> dict:
    return {"counts": nav_counts(request), "boxes": selectors.BOXES, **extra}


# --- 양식 ---------------------------------------------------------------------------


@staff_page(permissions.can_use_approval)
def forms(request):
    """양식 목록: everyone sees the forms in use; admins create and edit them."""
    return render(
        request,
        "approval/forms.html",
        _base(
            request,
            templates=FormTemplate.objects.all(),
            can_manage=permissions.can_manage_forms(request.user, request.institution),
        ),
    )


def _columns_text(columns: list[dict]) -> str:
    parts = []
    for c in columns or []:
        bits = [c["key"], c["label"], c["type"]]
        if c.get("required"):
            bits.append("required")
        if c.get("sum_to"):
            bits.append(f"sum={c['sum_to']}")
        parts.append(":".join(bits))
    return ", ".join(parts)


def _parse_columns(text: str) -> list[dict]:
    columns = []
    for part in (text or "").split(","):
        bits = [b.strip() for b in part.split(":")]
        if not bits or not bits[0]:
            continue
        column = {
            "key": bits[0],
            "label": bits[1] if len(bits) > 1 else "",
            "type": bits[2] if len(bits) > 2 else "text",
        }
        for extra in bits[3:]:
            if extra == "required":
                column["required"] = True
            elif extra.startswith("sum="):
                column["sum_to"] = extra.removeprefix("sum=")
        columns.append(column)
    return columns


def _fields_from_post(post) -> list[dict]:
    fields = []
    for i in range(FIELD_ROWS):
        key = (post.get(f"key_{i}") or "").strip()
        if not key:
            continue
        kind = post.get(f"type_{i}") or "text"
        spec = {
            "key": key,
            "label": post.get(f"label_{i}", ""),
            "type": kind,
            "required": post.get(f"required_{i}") == "1",
        }
        extra = post.get(f"extra_{i}", "")
        if kind == "choice":
            spec["choices"] = [c.strip() for c in extra.split(",") if c.strip()]
        elif kind == "table":
            spec["columns"] = _parse_columns(extra)
        if post.get(f"help_{i}"):
            spec["help"] = post.get(f"help_{i}")
        fields.append(spec)
    return fields


def _field_rows(fields: list[dict]) -> list[dict]:
    rows = []
    for spec in fields:
        extra = ""
        if spec.get("type") == "choice":
            extra = ", ".join(spec.get("choices") or [])
        elif spec.get("type") == "table":
            extra = _columns_text(spec.get("columns") or [])
        rows.append({**spec, "extra": extra})
    return rows + [{}] * max(0, FIELD_ROWS - len(rows))


@staff_page(permissions.can_manage_forms)
@require_http_methods(["GET", "POST"])
def form_edit(request, pk: int | None = None):
    """Create (no pk) or change a 양식: name, description, fields, the amount field for
    전결, whether 증빙 files are required. Built-in forms keep their fields."""
    template = None
    if pk is not None:
        template = FormTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise Http404
    post = request.POST
    if request.method == "POST":
        fields = None if template is not None and template.builtin else _fields_from_post(post)
        try:
            saved = services.form_template_save(
                actor=request.user,
                institution=request.institution,
                template=template,
                code=post.get("code", ""),
                name=post.get("name", ""),
                description=post.get("description", ""),
                fields=fields,
                amount_field=post.get("amount_field", ""),
                requires_attachment=post.get("requires_attachment") == "1",
                is_active=post.get("is_active") == "1",
                order=int(post.get("order") or 100)
                if (post.get("order") or "100").isdigit()
                else 100,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            rows = _field_rows(_fields_from_post(post)) if fields is not None else None
            return render(
                request,
                "approval/form_edit.html",
                _base(request, template=template, values=post, rows=rows, types=FieldType.choices),
                status=400,
            )
        messages.success(request, _("양식을 저장했습니다."))
        return redirect("approval:form_edit", pk=saved.pk)
    values = (
        {
            "code": template.code,
            "name": template.name,
            "description": template.description,
            "amount_field": template.amount_field,
            "requires_attachment": "1" if template.requires_attachment else "",
            "is_active": "1" if template.is_active else "",
            "order": template.order,
        }
        if template
        else {"is_active": "1", "order": 100}
    )
    return render(
        request,
        "approval/form_edit.html",
        _base(
            request,
            template=template,
            values=values,
            rows=None
            if template and template.builtin
            else _field_rows(template.fields if template else []),
            types=FieldType.choices,
            builtin_fields=template.fields if template and template.builtin else [],
            column_types=COLUMN_TYPES,
            all_types=TYPES,
        ),
    )


# --- 직인 -----------------------------------------------------------------------------


def _check_seal(upload) -> bytes:
    from PIL import Image, UnidentifiedImageError

    if upload is None:
        raise ValidationError({"image": _("직인 이미지를 선택해 주세요.")})
    if (upload.size or 0) > SEAL_MAX_BYTES:
        raise ValidationError({"image": _("직인은 PNG 또는 JPEG 이미지(2MB 이하)로 올려 주세요.")})
    content = upload.read()
    try:
        import io

        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            if image.format not in ("PNG", "JPEG"):
                raise ValueError
    except (UnidentifiedImageError, ValueError, OSError):
        raise ValidationError(
            {"image": _("직인은 PNG 또는 JPEG 이미지(2MB 이하)로 올려 주세요.")}
        ) from None
    upload.seek(0)
    return content


@staff_page(permissions.can_manage_settings)
@require_http_methods(["GET", "POST"])
def seal(request):
    """직인 (admins): upload the seal stamped beside 발신명의 on outgoing 시행문 PDFs."""
    current = Seal.objects.filter(is_active=True).first()
    if request.method == "POST":
        upload = request.FILES.get("image")
        try:
            content = _check_seal(upload)
            with transaction.atomic():
                Seal.objects.filter(is_active=True).update(is_active=False)
                made = Seal(
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_by=request.user,
                    uploaded_by_name=request.user.name or request.user.email,
                )
                made.image.save(upload.name[-100:] or "seal.png", upload, save=False)
                made.save()
                audit_record(
                    actor=request.user,
                    action="approval.seal_upload",
                    summary="직인 이미지 등록",
                    target=made,
                    data={"sha256": made.sha256},
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return render(
                request, "approval/seal.html", _base(request, current=current), status=400
            )
        messages.success(request, _("직인을 등록했습니다. 앞으로 발송하는 시행문에 찍힙니다."))
        return redirect("approval:seal")
    return render(
        request,
        "approval/seal.html",
        _base(request, current=current, history=Seal.objects.all()[:10]),
    )


@staff_page(permissions.can_manage_settings)
def seal_image(request):
    current = Seal.objects.filter(is_active=True).first()
    if current is None or not current.image:
        raise Http404
    return FileResponse(current.image.open("rb"), content_type="image/png")


# --- settings ---------------------------------------------------------------------------


@staff_page(permissions.can_manage_settings)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """전자결재 설정: the hourly-leave unit and a working day's hours."""
    status = 200
    if request.method == "POST":
        try:
            services.approval_settings_update(
                actor=request.user,
                institution=request.institution,
                leave_hour_unit=request.POST.get("leave_hour_unit", ""),
                work_hours_per_day=request.POST.get("work_hours_per_day", ""),
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            status = 400
        else:
            messages.success(request, _("설정을 저장했습니다."))
            return redirect("approval:settings")
    return render(
        request,
        "approval/settings.html",
        _base(
            request,
            unit=leave_rules.hour_unit(),
            hours=leave_rules.work_hours_per_day(),
            units=leave_rules.HOUR_UNITS,
        ),
        status=status,
    )


# --- 위임전결 규정 (by form and amount) ------------------------------------------------------


def _amount(text: str) -> int | None:
    from groupware.approval.formdata import parse_money

    try:
        return parse_money(text)
    except ValueError:
        raise ValidationError(
            {"max_amount": _("금액 한도는 원 단위 숫자로 입력해 주세요.")}
        ) from None


@staff_page(permissions.can_use_approval)
@require_http_methods(["GET", "POST"])
def delegation(request):
    """위임전결 규정: everyone reads it; institution admins add and remove limits."""
    can_manage = permissions.can_manage_delegation(request.user, request.institution)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = request.POST.get("form", "")
        try:
            if request.POST.get("delete"):
                rule_id = request.POST.get("rule") or ""
                services.delegation_rule_delete(
                    actor=request.user,
                    institution=request.institution,
                    form=form,
                    rule_id=int(rule_id) if rule_id.isdigit() and len(rule_id) < 18 else None,
                )
            else:
                raw = request.POST.get("position") or ""
                position = (
                    Position.objects.filter(pk=raw).first()
                    if raw.isdigit() and len(raw) < 18
                    else None
                )
                services.delegation_rule_set(
                    actor=request.user,
                    institution=request.institution,
                    form=form,
                    position=position,
                    max_amount=_amount(request.POST.get("max_amount", "")),
                    note=request.POST.get("note", ""),
                )
            messages.success(request, _("위임전결 규정을 저장했습니다."))
            return redirect("approval:delegation")
        except ValidationError as error:
            messages.error(request, error_text(error))
            status = 400
    rules: dict[str, list] = {}
    for rule in DelegationRule.objects.select_related("position"):
        rules.setdefault(rule.form, []).append(rule)
    templates = FormTemplate.objects.filter(is_active=True)
    return render(
        request,
        "approval/delegation.html",
        _base(
            request,
            rows=[(t, rules.get(t.code, [])) for t in templates],
            positions=Position.objects.all(),
            can_manage=can_manage,
            top=Position.objects.order_by("level").first(),
        ),
        status=status,
    )
