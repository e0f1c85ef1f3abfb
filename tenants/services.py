"""The write path for institutions: onboarding and the lifecycle.

Every function here is all-or-nothing (one transaction, schema DDL included —
PostgreSQL DDL is transactional) and writes a PlatformAuditEvent with who,
when and why. Views, the API and management commands only call these.
"""

import getpass
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.signals import post_schema_sync
from django_tenants.utils import remove_www, schema_context, schema_exists

from institution.audit import audit_record
from tenants.errors import LifecycleError, ProvisioningError
from tenants.hosts import hosts_changed
from tenants.models import Domain, Institution, PlatformAuditEvent, schema_name_for
from tenants.provisioning import assert_template_current, drop_schema

HOSTNAME_RE = re.compile(
    r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)
PROFILE_FIELDS = (
    "address",
    "postal_code",
    "phone",
    "fax",
    "email",
    "homepage",
    "head_title",
    "time_zone",
)
Action = PlatformAuditEvent.Action
Status = Institution.Status


# --- audit ------------------------------------------------------------------


def cli_actor(email: str | None = None):
    """The actor for a management command: the named operator, else ``cli:<os user>``."""
    from accounts.models import User

    if email:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError({"actor": _("이 이메일의 사용자가 없습니다.")})
        return user
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 — no login name in some containers
        return "cli"


def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("사유를 입력해 주세요.")}, code="required")
    return reason


# --- onboarding ---------------------------------------------------------------


def primary_host_for(slug: str) -> str:
    return f"{slug}.{settings.SUITE_DOMAIN}"


def _host_name(domain: str | None) -> str:
    """A custom domain as the host routing looks it up: lower case, without ``www.``
    (suite.middleware strips it from the request's host, so ``www.culture.or.kr`` is
    stored as ``culture.or.kr`` and both names reach the institution)."""
    return remove_www((domain or "").strip().lower())


def _validated_institution(
    *,
    slug: str,
    name: str,
    short_name: str,
    admin_email: str,
    custom_domain: str,
    profile,
    unique_name: bool = True,
) -> Institution:
    """An unsaved Institution, or ValidationError with every problem on its field.
    ``unique_name``: refuse a name another (not archived) institution has — onboarding;
    an import restores an export under its own name."""
    custom_domain = _host_name(custom_domain)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    institution = Institution(
        schema_name=schema_name_for(slug or ""),
        slug=slug or "",
        name=(name or "").strip(),
        short_name=(short_name or "").strip(),
        **profile,
    )
    errors: dict[str, list] = {}
    try:
        institution.full_clean(exclude=["schema_name"])
    except ValidationError as error:
        errors = {field: list(messages) for field, messages in error.error_dict.items()}
    taken = "" if "name" in errors or not unique_name else name_taken(institution.name)
    if taken:
        errors["name"] = [
            ValidationError(
                _("같은 이름의 기관(%(name)s)이 이미 있습니다. 다른 이름을 입력해 주세요."),
                params={"name": taken},
                code="duplicate_name",
            )
        ]
    if "slug" not in errors:
        host = primary_host_for(slug)
        if Domain.objects.filter(domain=host).exists():
            errors["slug"] = [
                ValidationError(
                    _("주소 %(host)s 는 이미 다른 기관이 쓰고 있습니다."),
                    params={"host": host},
                    code="duplicate_domain",
                )
            ]
        elif schema_exists(institution.schema_name, case_sensitive=False):
            errors["slug"] = [
                ValidationError(
                    _("같은 이름의 데이터 공간(%(schema)s)이 이미 있어 쓸 수 없습니다."),
                    params={"schema": institution.schema_name},
                    code="duplicate_schema",
                )
            ]
    if admin_email:
        try:
            validate_email(admin_email)
        except ValidationError:
            errors["admin_email"] = [
                ValidationError(_("올바른 이메일 주소를 입력해 주세요."), code="invalid")
            ]
    if custom_domain:
        apex = settings.SUITE_DOMAIN
        if not HOSTNAME_RE.match(custom_domain):
            errors["custom_domain"] = [
                ValidationError(
                    _("올바른 도메인 이름이 아닙니다 (예: www.culture.or.kr)."), code="invalid"
                )
            ]
        elif custom_domain == apex or custom_domain in settings.SUITE_APEX_ALIASES:
            errors["custom_domain"] = [
                ValidationError(_("플랫폼 대표 주소는 쓸 수 없습니다."), code="reserved")
            ]
        elif Domain.objects.filter(domain=custom_domain).exists():
            errors["custom_domain"] = [
                ValidationError(
                    _("이 도메인은 이미 다른 기관이 쓰고 있습니다."), code="duplicate_domain"
                )
            ]
    if errors:
        raise ValidationError(errors)
    return institution


# The checks alone, for forms that want to show every problem at once (the console).
validated_institution = _validated_institution


def name_key(name: str) -> str:
    """What makes two institution names the same to a person: case and spaces aside."""
    return "".join((name or "").split()).casefold()


def name_taken(name: str, *, exclude_pk=None) -> str:
    """The existing (not archived) institution's name that ``name`` repeats, or ""."""
    key = name_key(name)
    if not key:
        return ""
    rows = Institution.objects.exclude(status=Status.ARCHIVED)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return next((n for n in rows.values_list("name", flat=True) if name_key(n) == key), "")


def lock_names() -> None:
    """Serialise onboardings (and renames) so two at once cannot take the same name.
    Transaction-scoped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tenants.institution_name'))")


def _provision(
    *,
    slug: str,
    name: str,
    short_name: str,
    admin_email: str = "",
    custom_domain: str = "",
    profile: dict,
    unique_name: bool = True,
) -> Institution:
    """Validate, clone the schema from the template and add the domains. Caller is atomic."""
    custom_domain = _host_name(custom_domain)
    institution = _validated_institution(
        slug=slug,
        name=name,
        short_name=short_name,
        admin_email=admin_email,
        custom_domain=custom_domain,
        profile=profile,
        unique_name=unique_name,
    )
    assert_template_current()
    # The row and the schema are created in two explicit steps (instead of
    # TenantMixin.save's "create, and delete the row again on failure") so a
    # failure propagates as it is and the surrounding transaction undoes both.
    institution.auto_create_schema = False
    try:
        with transaction.atomic():
            institution.save(verbosity=0)
    except IntegrityError as error:
        raise ValidationError(
            {"slug": [ValidationError(_("이미 쓰이고 있는 주소 이름입니다."), code="unique")]}
        ) from error
    try:
        institution.create_schema(check_if_exists=False, verbosity=0)
    except (ProvisioningError, ValidationError):
        raise
    except Exception as error:  # the clone SQL, the fake migrate: any failure
        raise ProvisioningError("schema_failed") from error
    finally:
        connection.set_schema_to_public()
        del institution.auto_create_schema
    post_schema_sync.send(sender=Institution, tenant=institution)
    transaction.on_commit(_refill_spares_later, robust=True)
    Domain.objects.create(domain=primary_host_for(slug), tenant=institution, is_primary=True)
    if custom_domain:
        Domain.objects.create(domain=custom_domain, tenant=institution, is_primary=False)
    return institution


def _refill_spares_later() -> None:
    """After commit: let the worker clone a new spare schema (see provisioning)."""
    from tenants.provisioning import spare_target
    from tenants.tasks import refill_spare_schemas

    if spare_target() > 0:
        refill_spare_schemas.enqueue()


@transaction.atomic
def institution_onboard(
    *,
    actor,
    slug: str,
    name: str,
    short_name: str,
    admin_email: str | None = None,
    admin_name: str = "",
    custom_domain: str = "",
    reason: str = "",
    **profile,
) -> Institution:
    """Create the institution, its schema (cloned from the template) and primary domain,
    write default settings and invite the first admin. All or nothing.

    Raises ValidationError (field → messages) for bad input and ProvisioningError
    when the template is behind or the schema or the invitation cannot be made.
    """
    from institution.settings_defaults import apply_default_settings

    started = time.perf_counter()
    admin_email = (admin_email or "").strip().lower()
    lock_names()  # the name check below sees every onboarding committed before this one
    institution = _provision(
        slug=slug,
        name=name,
        short_name=short_name,
        admin_email=admin_email,
        custom_domain=custom_domain,
        profile=profile,
    )
    with schema_context(institution.schema_name):
        apply_default_settings()
    audit_record(
        institution=institution,
        action=Action.ONBOARD,
        actor=actor,
        reason=reason,
        data={
            "admin_email": admin_email,
            "custom_domain": _host_name(custom_domain),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    if admin_email:
        # Last step: after it nothing else can fail before the commit.
        _invite_first_admin(institution, admin_email, admin_name)
    return institution


def _invite_first_admin(institution: Institution, email: str, name: str) -> None:
    from accounts.models import Membership, Role
    from accounts.services import password_setup_path, user_get_or_invite

    user, created = user_get_or_invite(email=email, name=name)
    Membership.objects.update_or_create(
        user=user,
        institution=institution,
        defaults={"role": Role.INSTITUTION_ADMIN, "is_active": True},
    )
    link = institution.absolute_url(
        password_setup_path(user) if not user.has_usable_password() else "/"
    )
    # In the invitee's language (a new account's is Korean, the default).
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "email/member_invite.txt",
            {
                "institution": institution,
                "user": user,
                "link": link,
                "role": Role.INSTITUTION_ADMIN.label,
                "new_user": created,
            },
        )
        subject = _("[%(institution)s] 기관 관리자로 초대되었습니다") % {
            "institution": institution.name
        }
    _queue_email_now(to=[user.email], subject=subject, body=body)


def _queue_email_now(*, to: list[str], subject: str, body: str) -> None:
    """Queue inside the transaction, unlike suite.notify.email_on_commit.

    An institution whose first admin never hears of it is useless, so a queue
    failure must undo the onboarding. With the database task backend the
    queued row commits (or rolls back) with the institution, so the worker
    never sees an invitation to an institution that does not exist.
    """
    from suite.links import collapse
    from suite.tasks import send_email

    try:
        # links as tokens in the queue, built when sent (suite.links)
        send_email.enqueue(to=to, subject=subject, body=collapse(body))
    except Exception as error:
        raise ProvisioningError("invite_not_queued") from error


# --- status -------------------------------------------------------------------


def _lock(institution: Institution) -> Institution:
    return Institution.objects.select_for_update().get(pk=institution.pk)


def _move(locked: Institution, target: str, reason: str) -> None:
    if not locked.can_move_to(target):
        raise LifecycleError(
            "illegal_transition",
            current=locked.get_status_display(),
            target=Status(target).label,
        )
    now = timezone.now()
    # .update(), not .save(): TenantMixin.save would re-create a purged schema.
    Institution.objects.filter(pk=locked.pk).update(
        status=target, status_changed_at=now, status_reason=reason, updated_at=now
    )
    locked.status, locked.status_changed_at, locked.status_reason = target, now, reason
    hosts_changed()  # every web process answers with the new status (tenants.hosts)


def _notify_admins(institution: Institution, subject: str, headline: str, reason: str) -> None:
    from accounts.models import Membership, Role
    from suite.notify import email_on_commit

    admins = Membership.objects.filter(
        institution=institution, role=Role.INSTITUTION_ADMIN, is_active=True
    ).values_list("user__email", flat=True)
    email_on_commit(
        to=list(admins),
        subject=f"[{institution.name}] {subject}",
        template="email/institution_status",
        context={"institution": institution, "headline": headline, "reason": reason},
    )


@transaction.atomic
def institution_suspend(*, actor, institution: Institution, reason: str) -> Institution:
    """Suspend: hosts answer 503 (the operator still passes), portal entries disappear.

    Data stays untouched. The portal index filters by status when read, so
    nothing is re-indexed.
    """
    reason = _require_reason(reason)
    locked = _lock(institution)
    _move(locked, Status.SUSPENDED, reason)
    audit_record(institution=locked, action=Action.SUSPEND, actor=actor, reason=reason)
    _notify_admins(
        locked, _("서비스 일시 정지 안내"), _("기관 서비스가 일시 정지되었습니다."), reason
    )
    return locked


@transaction.atomic
def institution_reactivate(*, actor, institution: Institution, reason: str) -> Institution:
    """Back to active: hosts, API and portal entries answer again."""
    reason = _require_reason(reason)
    locked = _lock(institution)
    _move(locked, Status.ACTIVE, reason)
    audit_record(institution=locked, action=Action.REACTIVATE, actor=actor, reason=reason)
    _notify_admins(locked, _("서비스 재개 안내"), _("기관 서비스가 다시 열렸습니다."), reason)
    return locked


def last_export(institution: Institution) -> PlatformAuditEvent | None:
    return PlatformAuditEvent.objects.filter(institution=institution, action=Action.EXPORT).first()


@transaction.atomic
def institution_delete(
    *, actor, institution: Institution, reason: str, force: bool = False, purge: bool = False
) -> Institution:
    """Archive the institution (hosts answer 410); with ``purge`` also drop its schema.

    Refused without a recorded export unless ``force``. The row, its domains
    and the audit trail stay, so the hosts keep answering 410 and the slug is
    never handed out again by mistake.
    """
    reason = _require_reason(reason)
    locked = _lock(institution)
    export = last_export(locked)
    if export is None and not force:
        raise LifecycleError("export_required")
    if locked.status != Status.ARCHIVED:
        _move(locked, Status.ARCHIVED, reason)
    elif not purge:
        raise LifecycleError(
            "illegal_transition",
            current=locked.get_status_display(),
            target=Status.ARCHIVED.label,
        )
    purged = False
    if purge and schema_exists(locked.schema_name):
        drop_schema(locked.schema_name)
        purged = True
    audit_record(
        institution=locked,
        action=Action.DELETE,
        actor=actor,
        reason=reason,
        data={
            "forced": bool(force and export is None),
            "export_event": export.pk if export else None,
            "export_file": export.details.get("file", "") if export else "",
            "purged": purged,
        },
    )
    return locked


# --- export / import ------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    manifest: dict
    event: PlatformAuditEvent


def export_dir() -> Path:
    return Path(getattr(settings, "INSTITUTION_EXPORT_DIR", settings.VAR_DIR / "exports"))


def institution_export(
    *, actor, institution: Institution, destination: Path | str | None = None, reason: str = ""
) -> ExportResult:
    """Write one archive (.tar.gz: manifest.json, data/<table>.csv, media/) and record it."""
    from tenants import archive

    if not schema_exists(institution.schema_name):
        raise LifecycleError("schema_gone")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = Path(destination) if destination else export_dir() / f"{institution.slug}-{stamp}.tar.gz"
    if path.is_dir():
        path = path / f"{institution.slug}-{stamp}.tar.gz"
    manifest = archive.write_archive(institution, path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    event = audit_record(
        institution=institution,
        action=Action.EXPORT,
        actor=actor,
        reason=reason,
        data={
            "file": str(path.resolve()),
            "bytes": path.stat().st_size,
            "sha256": digest.hexdigest(),
            "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
        },
    )
    return ExportResult(path=path, manifest=manifest, event=event)


@transaction.atomic
def institution_import(
    *,
    actor,
    archive_path: Path | str,
    slug: str,
    name: str = "",
    short_name: str = "",
    reason: str = "",
) -> Institution:
    """Restore an export into a new institution cloned from the template. All or nothing."""
    from tenants import archive

    archive_path = Path(archive_path)
    manifest = archive.read_manifest(archive_path)
    archive.check_compatible(manifest)
    source = manifest["source"]
    profile = {k: v for k, v in source.get("profile", {}).items() if k in PROFILE_FIELDS}
    institution = _provision(
        slug=slug,
        name=name or source.get("name", ""),
        short_name=short_name or source.get("short_name", ""),
        profile=profile,
        unique_name=False,  # a restore keeps the exported institution's name
    )
    loaded = archive.load_archive(archive_path, institution, manifest)
    memberships = archive.restore_memberships(institution, manifest)
    audit_record(
        institution=institution,
        action=Action.IMPORT,
        actor=actor,
        reason=reason,
        data={
            "archive": archive_path.name,
            "source_slug": source.get("slug", ""),
            "exported_at": manifest.get("exported_at", ""),
            "rows": sum(loaded.values()),
            "tables": len(loaded),
            "memberships_restored": memberships["restored"],
            "memberships_skipped": memberships["skipped"],
        },
    )
    return institution
