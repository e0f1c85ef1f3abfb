"""What each app declares about the personal data it holds (registered in AppConfig.ready).

- ``PersonalData``: rows that belong to a person, and what account deletion does to
  them (delete, or keep them with a pseudonym in place of the person's details).
- ``LegalHold``: columns that keep a person's details because another law requires it
  (e.g. the names in an approved official document's approval block under the records
  law); shown on the deletion page and allowed by the "nothing remains" test.
- ``blocker``: a reason the person cannot leave yet (an upcoming paid booking).
- ``RetentionKind``: a kind of personal data destroyed after a period (per institution
  setting, with a default), with the function that destroys what is due.

The erasure service (privacy.erasure) visits the public schema and every institution
schema and applies every declaration whose model lives there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q


@dataclass(frozen=True)
class Subject:
    """The person whose data is erased, and the pseudonym that replaces them."""

    user_id: int
    email: str
    name: str
    phone: str
    pseudonym: str

    def _patterns(self) -> list[re.Pattern]:
        patterns = []
        if self.email:
            patterns.append(re.compile(re.escape(self.email), re.IGNORECASE))
        digits = re.sub(r"\D", "", self.phone or "")
        if len(digits) >= 7:
            # 010-1234-5678, 01012345678, 010 1234 5678, 010.1234.5678
            patterns.append(re.compile(r"[-. ]?".join(re.escape(d) for d in digits)))
        if self.name and len(self.name) >= 2:
            patterns.append(re.compile(re.escape(self.name)))
        return patterns

    def scrub(self, value: Any) -> Any:
        """The value with every mention of the person replaced by the pseudonym (text or JSON)."""
        if isinstance(value, str):
            for pattern in self._patterns():
                value = pattern.sub(self.pseudonym, value)
            return value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value

    def mentioned_in(self, value: Any) -> bool:
        return self.scrub(value) != value


@dataclass(frozen=True)
class PersonalData:
    """Rows of ``model`` that are the person's, and what deletion does to them.

    ``delete``: the rows go. Otherwise they stay with ``pseudonym_fields`` set to the
    pseudonym, ``clear_fields`` emptied and ``scrub_fields`` cleaned of any mention of
    the person. ``file_fields`` are removed from storage either way.
    """

    model: str
    match: Callable[[Subject], Q]
    description: str
    delete: bool = False
    pseudonym_fields: tuple[str, ...] = ()
    clear_fields: tuple[str, ...] = ()
    scrub_fields: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def in_tenant_schemas(self) -> bool:
        return _is_tenant_app(self.model_class._meta.app_config.name)


@dataclass(frozen=True)
class LegalHold:
    """Columns of ``model`` that keep a person's details by law, with the legal ground."""

    model: str
    fields: tuple[str, ...]
    ground: str

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table

    @property
    def columns(self) -> tuple[str, ...]:
        model = apps.get_model(self.model)
        return tuple(model._meta.get_field(f).column for f in self.fields)


@dataclass(frozen=True)
class RetentionKind:
    """A kind of personal data destroyed ``default_days`` after it is no longer needed.

    ``destroy(cutoff)`` runs inside the schema (institution or public), removes or
    pseudonymises what is older than ``cutoff`` and returns how many rows it touched.
    """

    key: str
    label: str
    default_days: int
    destroy: Callable[..., int]
    description: str
    basis: str = ""  # "이용일로부터": what the period counts from, for consent wording
    method: str = "delete"  # DestructionRecord.Method
    tenant: bool = True
    min_days: int = 30


@dataclass
class _Registry:
    personal_data: list[PersonalData] = field(default_factory=list)
    legal_holds: list[LegalHold] = field(default_factory=list)
    blockers: list[Callable[[Subject], list[str]]] = field(default_factory=list)
    retention: dict[str, RetentionKind] = field(default_factory=dict)


_registry = _Registry()


def _is_tenant_app(app_name: str) -> bool:
    return app_name in settings.TENANT_APPS and app_name not in settings.SHARED_APPS


def register_personal_data(*specs: PersonalData) -> None:
    for spec in specs:
        if spec not in _registry.personal_data:
            _registry.personal_data.append(spec)


def register_legal_hold(*holds: LegalHold) -> None:
    for hold in holds:
        if hold not in _registry.legal_holds:
            _registry.legal_holds.append(hold)


def register_blocker(function: Callable[[Subject], list[str]], *, tenant: bool) -> None:
    """``function(subject)`` → reasons (Korean) the person cannot leave yet; runs in each
    institution schema when ``tenant`` else in the public schema."""
    function.privacy_tenant = tenant
    if function not in _registry.blockers:
        _registry.blockers.append(function)


def register_retention(kind: RetentionKind) -> None:
    _registry.retention[kind.key] = kind


def personal_data(*, tenant: bool) -> list[PersonalData]:
    return [s for s in _registry.personal_data if s.in_tenant_schemas == tenant]


def legal_holds() -> list[LegalHold]:
    return list(_registry.legal_holds)


def blockers(*, tenant: bool) -> list[Callable[[Subject], list[str]]]:
    return [b for b in _registry.blockers if b.privacy_tenant == tenant]


def retention_kinds(*, tenant: bool) -> list[RetentionKind]:
    return [k for k in _registry.retention.values() if k.tenant == tenant]


def retention_kind(key: str) -> RetentionKind | None:
    return _registry.retention.get(key)
