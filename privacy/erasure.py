"""회원탈퇴: one service that visits the public schema and every institution schema.

Each app declares its personal data in ``privacy.registry`` (from its AppConfig.ready);
this service applies the declarations in one transaction (all schemas live in one
PostgreSQL database), so a person is either gone everywhere or nowhere. Records that
must be kept by law keep a pseudonymous reference: the user row stays, pseudonymised,
so a paid booking still points at "탈퇴회원-1a2b3c" and the booking report adds up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from privacy import registry
from privacy.models import DestructionRecord

ACCOUNT_KIND = "account"


def pseudonym_for(user_id: int) -> str:
    """A stable pseudonym: linkable to the id only with the server's secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"privacy.pseudonym:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"탈퇴회원-{digest[:8]}"


def subject_of(user) -> registry.Subject:
    return registry.Subject(
        user_id=user.pk,
        email=(user.email or "").lower(),
        name=user.name or "",
        phone=user.phone or "",
        pseudonym=pseudonym_for(user.pk),
    )


def institution_schemas() -> list[str]:
    """Every institution schema that exists (suspended and archived ones too)."""
    from tenants.models import Institution

    return list(
        Institution.objects.exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def account_blockers(user) -> list[str]:
    """Why this person cannot leave yet (Korean, shown on the deletion page); empty: may leave."""
    from accounts.models import Membership

    reasons = []
    if user.is_superuser:
        reasons.append(
            _("플랫폼 운영자 계정은 탈퇴할 수 없습니다. 다른 운영자에게 권한 해제를 요청해 주세요.")
        )
    for membership in Membership.objects.filter(user=user, is_active=True).select_related(
        "institution"
    ):
        reasons.append(
            _(
                "%(name)s 소속 직원입니다. 기관 관리자에게 소속 해제(퇴직 처리)를 요청한 뒤 탈퇴할 수 있습니다."
            )
            % {"name": membership.institution.name}
        )
    subject = subject_of(user)
    for check in registry.blockers(tenant=False):
        reasons.extend(check(subject))
    for schema in institution_schemas():
        with schema_context(schema):
            for check in registry.blockers(tenant=True):
                reasons.extend(check(subject))
    return reasons


@dataclass
class ErasureResult:
    pseudonym: str
    rows: dict[str, int] = field(default_factory=dict)  # "schema:app.Model" → rows

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _empty_value(f: models.Field):
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    return ""


def _apply(spec: registry.PersonalData, subject: registry.Subject) -> int:
    model = spec.model_class
    rows = model._default_manager.filter(spec.match(subject))
    if spec.file_fields:
        for obj in rows:
            for name in spec.file_fields:
                stored = getattr(obj, name)
                if stored:
                    stored.delete(save=False)
    if spec.delete:
        count = rows.count()
        if count:
            rows.delete()
        return count
    count = 0
    for obj in rows:
        changes = {}
        for name in spec.pseudonym_fields:
            changes[name] = subject.pseudonym
        for name in spec.clear_fields:
            changes[name] = _empty_value(model._meta.get_field(name))
        for name in spec.scrub_fields:
            changes[name] = subject.scrub(getattr(obj, name))
        for name in spec.file_fields:
            changes[name] = ""
        changes = {k: v for k, v in changes.items() if getattr(obj, k) != v}
        if changes:
            # update(), not save(): no save() side effects, no auto_now touching.
            model._default_manager.filter(pk=obj.pk).update(**changes)
            count += 1
    return count


def _erase_here(
    subject: registry.Subject, *, tenant: bool, schema: str, result, actor_id, why: str
):
    touched = 0
    for spec in registry.personal_data(tenant=tenant):
        count = _apply(spec, subject)
        if count:
            result.rows[f"{schema}:{spec.model}"] = count
            touched += count
    if touched:
        DestructionRecord.objects.create(
            kind=ACCOUNT_KIND,
            label=_("회원 탈퇴"),
            count=touched,
            method=DestructionRecord.Method.PSEUDONYMISE,
            reason=f"{why} ({subject.pseudonym})",
            run_by_id=actor_id,
        )


@transaction.atomic
def account_delete(*, user, actor=None, reason: str = "") -> ErasureResult:
    """Delete or pseudonymise the person's data in every schema; their sessions end.

    Raises ValidationError (Korean) while ``account_blockers`` names a reason.
    Dormant-account destruction calls this with ``actor=None, reason="dormant"``.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        raise ValidationError(_("이미 탈퇴한 계정입니다."), code="already_deleted")
    reasons = account_blockers(user)
    if reasons:
        raise ValidationError(reasons, code="blocked")
    subject = subject_of(user)
    result = ErasureResult(pseudonym=subject.pseudonym)
    actor_id = actor.pk if actor is not None and actor.pk != user.pk else None
    why = _("휴면 계정 파기") if reason == "dormant" else _("회원 탈퇴")
    for schema in institution_schemas():
        with schema_context(schema):
            _erase_here(
                subject, tenant=True, schema=schema, result=result, actor_id=actor_id, why=why
            )
    _erase_here(subject, tenant=False, schema="public", result=result, actor_id=actor_id, why=why)
    _pseudonymise_user(user, subject)
    return result


def _pseudonymise_user(user, subject: registry.Subject) -> None:
    """The user row stays as the pseudonymous reference; nothing about the person remains."""
    from accounts.models import User

    keep = {"id", "password", "is_superuser", "date_joined", "preferred_language"}
    changes = {}
    for f in User._meta.concrete_fields:
        if f.name in keep or f.primary_key:
            continue
        if f.null or f.blank:
            changes[f.name] = _empty_value(f)
    changes.update(
        email=f"deleted-{secrets.token_hex(8)}@deleted.invalid",
        name=subject.pseudonym,
        is_active=False,
        is_staff=False,
        deleted_at=timezone.now(),
        session_version=models.F("session_version") + 1,
    )
    User.objects.filter(pk=user.pk).update(**changes)
    user.refresh_from_db()
    user.set_unusable_password()
    user.save(update_fields=["password"])
