"""The drafting page's form: what it shows for the chosen 양식 (fields, leave, the leave to
cancel, recipients) and how a POST becomes the service's input. Parsing only; the
services decide."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from groupware.approval import leave as leave_rules
from groupware.approval.models import (
    Disclosure,
    Document,
    Form,
    FormTemplate,
    LeaveKind,
    LineTemplate,
    RecipientKind,
    Retention,
    StepRole,
)
from groupware.approval.views.common import parse_date

LINE_ROWS = 8
TABLE_ROWS = 5
MAX_TABLE_ROWS = 50
_EMAIL_LINE = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")


def line_from_post(post) -> list[dict]:
    line = []
    for i in range(LINE_ROWS):
        user = post.get(f"step_user_{i}")
        role = post.get(f"step_role_{i}")
        if user and role:
            line.append({"user": user, "role": role, "order": post.get(f"step_order_{i}") or i + 1})
    return line


def leave_from_post(post) -> dict | None:
    if not post.get("leave_kind"):
        return None
    return {
        "kind": post.get("leave_kind"),
        "start_date": parse_date(post.get("leave_start")),
        "end_date": parse_date(post.get("leave_end")) or parse_date(post.get("leave_start")),
        "start_time": post.get("leave_time") or None,
        "hours": post.get("leave_hours") or None,
        "reason": post.get("leave_reason", ""),
    }


def fields_from_post(post) -> dict:
    return {
        "form": post.get("form") or Form.GENERAL,
        "title": post.get("title", ""),
        "body": post.get("body", ""),
        "recipient_kind": post.get("recipient_kind") or RecipientKind.INTERNAL,
        "recipients": post.get("recipients", ""),
        "via": post.get("via", ""),
        "retention": post.get("retention") or Retention.Y5,
        "disclosure": post.get("disclosure") or Disclosure.PUBLIC,
        "disclosure_ground": post.get("disclosure_ground") or None,
    }


def form_data_from_post(template: FormTemplate | None, post) -> dict:
    """``f_<key>`` for a field, ``f_<key>__<row>__<column>`` for a table's cells."""
    data: dict = {}
    for spec in (template.fields if template else None) or []:
        key = spec["key"]
        if spec.get("type") != "table":
            data[key] = post.get(f"f_{key}", "")
            continue
        try:
            count = min(int(post.get(f"f_{key}__rows") or TABLE_ROWS), MAX_TABLE_ROWS)
        except ValueError:
            count = TABLE_ROWS
        data[key] = [
            {c["key"]: post.get(f"f_{key}__{row}__{c['key']}", "") for c in spec["columns"]}
            for row in range(count)
        ]
    return data


def recipients_from_post(post) -> list[dict] | None:
    """Institutions ticked in the directory (with a 처리과 hint each) and outside
    recipients, one ``이름 <address>`` (or just the address) a line."""
    if post.get("recipient_kind") != RecipientKind.NAMED:
        return None
    out: list[dict] = []
    for value in post.getlist("rcpt_inst"):
        if str(value).isdigit() and len(str(value)) < 18:
            out.append(
                {"institution": int(value), "department_hint": post.get(f"rcpt_hint_{value}", "")}
            )
    for line in (post.get("rcpt_external") or "").splitlines():
        if not line.strip():
            continue
        match = _EMAIL_LINE.match(line)
        if match:
            out.append({"name": match["name"], "email": match["email"]})
        else:
            out.append({"name": "", "email": line.strip()})
    return out


def recipients_initial(document: Document | None) -> dict:
    if document is None:
        return {"inst": set(), "hints": {}, "external": ""}
    rows = list(document.recipient_list.all())
    return {
        "inst": {str(r.institution_id) for r in rows if r.kind == "cloud"},
        "hints": {str(r.institution_id): r.department_hint for r in rows if r.kind == "cloud"},
        "external": "\n".join(
            f"{r.name} <{r.email}>" if r.name and r.name != r.email else r.email
            for r in rows
            if r.kind == "email"
        ),
    }


def recipients_from_values(post) -> dict:
    return {
        "inst": set(post.getlist("rcpt_inst")),
        "hints": {
            k.removeprefix("rcpt_hint_"): v for k, v in post.items() if k.startswith("rcpt_hint_")
        },
        "external": post.get("rcpt_external", ""),
    }


def field_rows(template: FormTemplate | None, data: dict | None, errors: dict) -> list[dict]:
    """The form's fields with their values (tables padded with empty rows) and errors."""
    data = data or {}
    out = []
    for spec in (template.fields if template else None) or []:
        key = spec["key"]
        item = {**spec, "name": f"f_{key}", "errors": errors.get(f"form_data.{key}", [])}
        if spec.get("type") == "table":
            rows = [r for r in (data.get(key) or []) if isinstance(r, dict)]
            rows = rows + [{}] * max(TABLE_ROWS - len(rows), 2)
            item["rows"] = [
                {
                    "index": index,
                    "cells": [
                        {
                            **column,
                            "name": f"f_{key}__{index}__{column['key']}",
                            "value": row.get(column["key"])
                            if row.get(column["key"]) is not None
                            else "",
                            "errors": errors.get(
                                f"form_data.{key}.{index + 1}.{column['key']}", []
                            ),
                        }
                        for column in spec["columns"]
                    ],
                }
                for index, row in enumerate(rows)
            ]
            item["row_count"] = len(rows)
            item["cell_errors"] = [
                m for k, msgs in errors.items() if k.startswith(f"form_data.{key}.") for m in msgs
            ]
        else:
            value = data.get(key)
            item["value"] = "" if value is None else value
        out.append(item)
    return out


def field_errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {}


def context(
    request,
    *,
    template: FormTemplate | None,
    document=None,
    values=None,
    line=None,
    cc=None,
    leave=None,
    form_data=None,
    recipients=None,
    cancels=None,
    errors=None,
) -> dict:
    """Everything the drafting page shows."""
    from groupware.approval.models import DelegationRule, FavouriteLine
    from groupware.approval.permissions import department_of
    from groupware.approval.views.common import people_choices
    from groupware.exchange.public import institutions_directory

    institution = request.institution
    rows = list(line or [])[:LINE_ROWS]
    rows += [{}] * (min(LINE_ROWS, max(4, len(rows) + 2)) - len(rows))
    department = department_of(request.user)
    code = template.code if template else Form.GENERAL
    return {
        "document": document,
        "template": template,
        "templates": FormTemplate.objects.filter(is_active=True),
        "values": values or {},
        "line_rows": rows,
        "cc_ids": {str(c) for c in (cc or [])},
        "leave": leave or {},
        "field_rows": field_rows(template, form_data, errors or {}),
        "field_errors": errors or {},
        "recipients": recipients or recipients_initial(None),
        "directory": list(institutions_directory(institution)),
        "cancellable": list(leave_rules.cancellable_leaves(request.user))
        if code == Form.LEAVE_CANCEL
        else [],
        "cancels": str(cancels or ""),
        "people": [p for p in people_choices(institution) if p["id"] != request.user.pk],
        "favourites": FavouriteLine.objects.filter(owner=request.user),
        "line_templates": LineTemplate.objects.filter(department_id=department)
        if department
        else [],
        "roles": StepRole.choices,
        "retentions": Retention.choices,
        "disclosures": Disclosure.choices,
        "recipient_kinds": RecipientKind.choices,
        "leave_kinds": LeaveKind.choices,
        "grounds": range(1, 9),
        "balance": leave_rules.leave_balance(request.user),
        "hour_unit": leave_rules.hour_unit(),
        "work_hours": leave_rules.work_hours_per_day(),
        "rules": DelegationRule.objects.select_related("position").filter(form=code),
    }
