"""양식 fields: what an admin may define, and a document's values checked against them.

Pure functions (no database). Values are stored as JSON: text and choices as strings,
money as whole won (int), numbers as strings of a decimal, dates as ``YYYY-MM-DD``, a table
as a list of rows (dicts by column key). Errors come back keyed ``form_data.<key>`` with a
Korean message naming the field, so pages show them beside it and the API in ``fields``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TYPES = ("text", "number", "money", "date", "choice", "table")
COLUMN_TYPES = ("text", "number", "money", "date")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_FIELDS = 30
MAX_COLUMNS = 8
MAX_ROWS = 50
MAX_TEXT = 500
MAX_MONEY = 10**13  # 10조 원
MAX_CHOICES = 30


def _fail(errors: dict, key: str, text: str) -> None:
    errors.setdefault(f"form_data.{key}", []).append(text)


# --- values ------------------------------------------------------------------------------


def parse_money(value) -> int | None:
    """'1,000,000', '1000000원', 1000000 → 1000000; '' → None; anything else ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(",", "").removesuffix("원").strip()
        if not text:
            return None
        if not re.fullmatch(r"\d{1,14}", text):
            raise ValueError
        number = int(text)
    if not 0 <= number <= MAX_MONEY:
        raise ValueError
    return number


def parse_number(value) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite() or abs(number) >= 10**12:
        raise ValueError
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def parse_date(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError from None


def _value(spec: dict, raw, errors: dict, key: str):
    kind = spec.get("type")
    label = spec.get("label") or key
    try:
        if kind == "money":
            return parse_money(raw)
        if kind == "number":
            return parse_number(raw)
        if kind == "date":
            return parse_date(raw)
    except ValueError:
        hint = {
            "money": _("원 단위 숫자로 입력해 주세요. (예: 1,000,000)"),
            "number": _("숫자로 입력해 주세요."),
            "date": _("날짜를 2026-11-25 형식으로 입력해 주세요."),
        }[str(kind)]
        _fail(errors, key, f"{label}: {hint}")
        return None
    text = "" if raw is None else str(raw).strip()
    if len(text) > MAX_TEXT:
        _fail(errors, key, f"{label}: " + _("%(n)s자 이내로 입력해 주세요.") % {"n": MAX_TEXT})
        return None
    if kind == "choice" and text and text not in (spec.get("choices") or []):
        _fail(errors, key, f"{label}: " + _("목록에 있는 값을 선택해 주세요."))
        return None
    return text or None


def _table(spec: dict, raw, errors: dict, *, strict: bool) -> list[dict]:
    key, label = spec["key"], spec.get("label") or spec["key"]
    if raw in (None, ""):
        raw = []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        _fail(errors, key, f"{label}: " + _("표 형식이 올바르지 않습니다."))
        return []
    columns = spec.get("columns") or []
    rows = []
    for index, row in enumerate(raw, start=1):
        cleaned = {}
        for column in columns:
            cell_key = f"{key}.{index}.{column['key']}"
            value = _value(column, row.get(column["key"]), errors, cell_key)
            missing = value is None and f"form_data.{cell_key}" not in errors
            row_used = any(row.get(c["key"]) not in (None, "") for c in columns)
            if missing and strict and column.get("required") and row_used:
                name = column.get("label") or column["key"]
                _fail(
                    errors,
                    cell_key,
                    _("%(table)s %(row)s행: %(column)s을(를) 입력해 주세요.")
                    % {"table": label, "row": index, "column": name},
                )
            cleaned[column["key"]] = value
        if any(v not in (None, "") for v in cleaned.values()):
            rows.append(cleaned)
    if len(rows) > MAX_ROWS:
        _fail(errors, key, f"{label}: " + _("%(n)s행까지 입력할 수 있습니다.") % {"n": MAX_ROWS})
    return rows[:MAX_ROWS]


def clean_form_data(fields: list[dict], raw: dict | None, *, strict: bool) -> dict:
    """The values of ``fields`` from ``raw`` (unknown keys dropped). ``strict`` (on submit):
    required fields present, tables' ``sum_to`` columns adding up, dates in order.
    Raises ValidationError keyed ``form_data.<key>``."""
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, list[str]] = {}
    data: dict = {}
    for spec in fields:
        key = spec["key"]
        label = spec.get("label") or key
        if spec.get("type") == "table":
            rows = _table(spec, raw.get(key), errors, strict=strict)
            data[key] = rows
            if strict and spec.get("required") and not rows:
                _fail(errors, key, f"{label}: " + _("한 줄 이상 입력해 주세요."))
            continue
        value = _value(spec, raw.get(key), errors, key)
        data[key] = value
        if (
            strict
            and spec.get("required")
            and value in (None, "")
            and f"form_data.{key}" not in errors
        ):
            _fail(errors, key, f"{label}: " + _("필수 항목입니다."))
    if strict and not errors:
        _check_relations(fields, data, errors)
    if errors:
        raise ValidationError(errors)
    return data


def _check_relations(fields: list[dict], data: dict, errors: dict) -> None:
    by_key = {f["key"]: f for f in fields}
    for spec in fields:
        key, label = spec["key"], spec.get("label") or spec["key"]
        other = spec.get("min_field")
        dated = spec.get("type") == "date" and other and data.get(key) and data.get(other)
        if dated and data[key] < data[other]:
            other_label = by_key.get(other, {}).get("label") or other
            _fail(
                errors,
                key,
                _("%(field)s은(는) %(other)s보다 빠를 수 없습니다.")
                % {"field": label, "other": other_label},
            )
        if spec.get("type") != "table":
            continue
        for column in spec.get("columns") or []:
            target = column.get("sum_to")
            if not target or target not in by_key:
                continue
            total = sum(int(row.get(column["key"]) or 0) for row in data.get(key) or [])
            expected = data.get(target)
            if expected is not None and total != expected:
                _fail(
                    errors,
                    key,
                    _(
                        "%(table)s의 %(column)s 합계(%(total)s원)가 "
                        "%(target)s(%(expected)s원)와 같아야 합니다."
                    )
                    % {
                        "table": label,
                        "column": column.get("label") or column["key"],
                        "total": f"{total:,}",
                        "target": by_key[target].get("label") or target,
                        "expected": f"{expected:,}",
                    },
                )


def amount_of(amount_field: str, data: dict) -> int | None:
    value = data.get(amount_field) if amount_field else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- definitions (the admin's 양식 편집) ---------------------------------------------------


def clean_definition(fields) -> list[dict]:
    """An admin's field list checked and normalised; ValidationError("fields") if broken."""
    if not isinstance(fields, list):
        raise ValidationError({"fields": _("항목 정의 형식이 올바르지 않습니다.")})
    if len(fields) > MAX_FIELDS:
        raise ValidationError(
            {"fields": _("항목은 %(n)s개까지 정의할 수 있습니다.") % {"n": MAX_FIELDS}}
        )
    out: list[dict] = []
    seen: set[str] = set()
    for spec in fields:
        if not isinstance(spec, dict):
            raise ValidationError({"fields": _("항목 정의 형식이 올바르지 않습니다.")})
        item = _clean_spec(spec, TYPES, seen)
        if item["type"] == "table":
            columns = spec.get("columns") or []
            if not isinstance(columns, list) or not columns or len(columns) > MAX_COLUMNS:
                raise ValidationError(
                    {
                        "fields": _("표 항목 '%(label)s'에는 열을 1~%(n)s개 정의해 주세요.")
                        % {"label": item["label"], "n": MAX_COLUMNS}
                    }
                )
            column_keys: set[str] = set()
            item["columns"] = []
            for column in columns:
                if not isinstance(column, dict):
                    raise ValidationError({"fields": _("표의 열 정의 형식이 올바르지 않습니다.")})
                cleaned = _clean_spec(column, COLUMN_TYPES, column_keys)
                if column.get("sum_to"):
                    cleaned["sum_to"] = str(column["sum_to"])
                item["columns"].append(cleaned)
        out.append(item)
    keys = {f["key"]: f for f in out}
    for item in out:
        for column in item.get("columns", []):
            target = column.get("sum_to")
            if target and (
                keys.get(target, {}).get("type") != "money" or column["type"] != "money"
            ):
                raise ValidationError(
                    {
                        "fields": _(
                            "합계 확인은 금액 열과 금액 항목 사이에만 지정할 수 있습니다. (%(label)s)"
                        )
                        % {"label": column["label"]}
                    }
                )
        other = item.get("min_field")
        if other and keys.get(other, {}).get("type") != "date":
            item.pop("min_field")
    return out


def _clean_spec(spec: dict, types: tuple, seen: set) -> dict:
    key = str(spec.get("key") or "").strip()
    label = str(spec.get("label") or "").strip()[:40]
    kind = spec.get("type")
    if not KEY_RE.match(key):
        raise ValidationError(
            {
                "fields": _(
                    "항목 키 '%(key)s'는 영문 소문자로 시작하는 영문·숫자·밑줄(30자 이내)이어야 합니다."
                )
                % {"key": key}
            }
        )
    if key in seen:
        raise ValidationError({"fields": _("항목 키 '%(key)s'가 두 번 쓰였습니다.") % {"key": key}})
    seen.add(key)
    if not label:
        raise ValidationError(
            {"fields": _("항목 '%(key)s'의 이름을 입력해 주세요.") % {"key": key}}
        )
    if kind not in types:
        raise ValidationError(
            {"fields": _("항목 '%(label)s'의 형식이 올바르지 않습니다.") % {"label": label}}
        )
    item = {"key": key, "label": label, "type": kind, "required": bool(spec.get("required"))}
    if spec.get("help"):
        item["help"] = str(spec["help"])[:200]
    if spec.get("min_field"):
        item["min_field"] = str(spec["min_field"])
    if kind == "choice":
        choices = [str(c).strip()[:60] for c in spec.get("choices") or [] if str(c).strip()]
        if not choices or len(choices) > MAX_CHOICES or len(set(choices)) != len(choices):
            raise ValidationError(
                {
                    "fields": _(
                        "선택 항목 '%(label)s'에는 서로 다른 선택지를 1~%(n)s개 입력해 주세요."
                    )
                    % {"label": label, "n": MAX_CHOICES}
                }
            )
        item["choices"] = choices
    return item


def display_rows(fields: list[dict], data: dict) -> list[dict]:
    """For pages and the PDF: [{"label", "type", "value" | "columns"+"rows"}] with money
    as 1,000,000원 and dates as 2026. 11. 25."""
    from suite.dates import kdate

    def show(spec, value):
        if value in (None, ""):
            return ""
        if spec.get("type") == "money":
            return _("%(amount)s원") % {"amount": f"{int(value):,}"}
        if spec.get("type") == "date":
            try:
                return kdate(datetime.date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        return str(value)

    out = []
    for spec in fields or []:
        value = (data or {}).get(spec["key"])
        if spec.get("type") == "table":
            columns = spec.get("columns") or []
            out.append(
                {
                    "label": spec.get("label"),
                    "type": "table",
                    "columns": [c.get("label") for c in columns],
                    "rows": [[show(c, row.get(c["key"])) for c in columns] for row in value or []],
                }
            )
        else:
            out.append(
                {"label": spec.get("label"), "type": spec.get("type"), "value": show(spec, value)}
            )
    return out
