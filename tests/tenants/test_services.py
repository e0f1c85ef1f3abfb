"""Onboarding and the status lifecycle (tenants.services), on the real database."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from accounts.models import Membership, Role, User
from institution.models import Setting
from tenants import provisioning, services
from tenants.errors import MESSAGES, LifecycleError, ProvisioningError
from tenants.models import Domain, Institution, PlatformAuditEvent
from tests.tenants.conftest import NOTHING, leftovers

FAILING_TASKS = {"default": {"BACKEND": "tests.tenants.backends.FailingBackend"}}


CASTS = re.compile(r"::[a-z ]+(\[\])?|[()\s]")


def canonical(definition: str) -> str:
    """Re-created expressions deparse with casts in other places
    (``ANY ((ARRAY['a'::varchar])::text[])`` vs ``ANY (ARRAY[('a'::varchar)::text])``):
    compare them without casts, parentheses and spaces."""
    return CASTS.sub("", definition)


def catalog(schema: str) -> dict:
    """Everything the clone must reproduce, with the schema name taken out."""

    def fetch(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"s": schema})
            return sorted(
                tuple(
                    canonical(str(v).replace(f'"{schema}".', "").replace(f"{schema}.", ""))
                    for v in row
                )
                for row in cursor.fetchall()
            )

    return {
        "columns": fetch(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            " a.attidentity, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE n.nspname = %(s)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        "constraints": fetch(
            "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)"
            " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(s)s"
        ),
        "indexes": fetch("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s"),
        "triggers": fetch(
            "SELECT c.relname, t.tgname, t.tgtype, t.tgenabled FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %(s)s AND NOT t.tgisinternal"
        ),
        "functions": fetch(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n"
            " ON n.oid = p.pronamespace WHERE n.nspname = %(s)s"
        ),
    }


def test_onboarding_clones_the_template_and_works_at_once(no_spares, onboard, monkeypatch, world):
    """The schema is cloned (not migrated) the fast way — its DDL in one round trip —
    with domain, default settings, the first admin invited by e-mail and an audit row.

    The work done is asserted, not the time it took (a wall-clock limit failed on a busy
    machine); bench/ measures the time (docs/performance.md)."""
    assert provisioning.clone_unsupported() == []  # the fast clone applies
    migrate_calls = []
    monkeypatch.setattr(
        "django_tenants.models.call_command", lambda *a, **k: migrate_calls.append(a)
    )
    ways = []
    real_clone = provisioning.clone_template

    def recording_clone(schema, *args, **kwargs):
        ways.append(real_clone(schema, *args, **kwargs))
        return ways[-1]

    monkeypatch.setattr(provisioning, "clone_template", recording_clone)
    monkeypatch.setattr(
        CloneSchema, "clone_schema", lambda *a, **k: pytest.fail("the generic clone ran")
    )
    with CaptureQueriesContext(connection) as captured:
        institution = onboard(
            slug="culture-2", admin_email="Boss@Culture.kr", admin_name="관장", reason="신규 가입"
        )

    assert migrate_calls == []  # nothing was migrated
    assert ways == ["fast"]  # cloned once, the fast way
    ddl = [q for q in captured.captured_queries if "CREATE TABLE" in q["sql"]]
    assert len(ddl) == 1  # every table of the clone in one statement
    clone, template = catalog("inst_culture_2"), catalog("_template")
    assert clone["columns"] == template["columns"]
    assert clone["constraints"] == template["constraints"]
    assert clone["indexes"] == template["indexes"]
    assert clone["triggers"] == template["triggers"]
    assert clone["functions"] == template["functions"]
    assert len(clone["columns"]) > 50
    for table in provisioning.schema_tables("_template"):
        counts = []
        for schema in ("_template", "inst_culture_2"):
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COUNT(*) FROM "{schema}"."{table}"')
                counts.append(cursor.fetchone()[0])
        if table != "institution_setting":  # onboarding adds the default settings
            assert counts[0] == counts[1], table
    assert institution.status == Institution.Status.ACTIVE
    assert Domain.objects.get(tenant=institution, is_primary=True).domain == "culture-2.localhost"
    assert provisioning.pending_migrations(institution.schema_name) == []
    with schema_context(institution.schema_name):
        assert Setting.objects.filter(key="booking").exists()
    admin = User.objects.get(email="boss@culture.kr")
    assert Membership.objects.get(user=admin, institution=institution).role == (
        Role.INSTITUTION_ADMIN
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["boss@culture.kr"]
    assert "/accounts/invite/" in mail.outbox[0].body
    event = PlatformAuditEvent.objects.get(institution=institution)
    assert (event.action, event.actor, event.reason) == ("onboard", world.operator, "신규 가입")


def test_new_institution_answers_on_its_host(onboard, on_host):
    institution = onboard(slug="fresh")
    response = on_host(institution).get("/healthz")
    assert response.status_code == 200
    assert response.json()["schema"] == "inst_fresh"


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("Culture", "invalid_slug"),
        ("cul ture", "invalid_slug"),
        ("-culture", "invalid_slug"),
        ("ab", "invalid_slug"),
        ("www", "reserved_slug"),
        ("api", "reserved_slug"),
        ("admin", "reserved_slug"),
        ("static", "reserved_slug"),
        ("media", "reserved_slug"),
        ("public", "reserved_slug"),
        ("portal", "reserved_slug"),
        ("testa", "unique"),  # inst_a's slug
    ],
)
def test_bad_slug_is_refused_on_the_field_and_nothing_is_created(world, slug, code):
    with pytest.raises(ValidationError) as caught:
        services.institution_onboard(
            actor=world.operator, slug=slug, name="기관", short_name="기관"
        )
    errors = caught.value.error_dict
    assert list(errors) == ["slug"]
    assert errors["slug"][0].code == code
    assert any("\uac00" <= ch <= "\ud7a3" for ch in caught.value.message_dict["slug"][0])
    if slug != "testa":
        assert leftovers(slug.lower().strip()) == NOTHING
    assert Institution.objects.count() == 2


def test_duplicate_domain_and_leftover_schema_are_refused(world):
    Domain.objects.create(domain="taken.localhost", tenant=world.inst_a, is_primary=False)
    with pytest.raises(ValidationError) as caught:
        services.institution_onboard(
            actor=world.operator, slug="taken", name="기관", short_name="기관"
        )
    assert caught.value.error_dict["slug"][0].code == "duplicate_domain"

    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "inst_orphan"')
    with pytest.raises(ValidationError) as caught:
        services.institution_onboard(
            actor=world.operator, slug="orphan", name="기관", short_name="기관"
        )
    assert caught.value.error_dict["slug"][0].code == "duplicate_schema"
    assert not Institution.objects.filter(slug__in=["taken", "orphan"]).exists()


def test_every_bad_field_is_reported_at_once(world):
    with pytest.raises(ValidationError) as caught:
        services.institution_onboard(
            actor=world.operator,
            slug="okslug",
            name="",
            short_name="",
            admin_email="not-an-email",
            custom_domain="bad domain",
        )
    assert set(caught.value.error_dict) == {"name", "short_name", "admin_email", "custom_domain"}
    assert leftovers("okslug") == NOTHING


def test_custom_domain_is_added_and_must_be_free(onboard, world):
    """Stored without ``www.`` (the host routing strips it), so the name as given works."""
    institution = onboard(slug="withdomain", custom_domain="www.culture.or.kr")
    assert set(institution.domains.values_list("domain", "is_primary")) == {
        ("withdomain.localhost", True),
        ("culture.or.kr", False),
    }
    for host in ("www.culture.or.kr", "culture.or.kr"):
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.json()["schema"] == institution.schema_name, host
    for taken in ("WWW.culture.or.kr", "culture.or.kr"):
        with pytest.raises(ValidationError) as caught:
            onboard(slug="other", custom_domain=taken)
        assert caught.value.error_dict["custom_domain"][0].code == "duplicate_domain"


@override_settings(TASKS=FAILING_TASKS)
def test_invitation_that_cannot_be_queued_undoes_everything(world):
    """The e-mail is queued inside the transaction: a queue failure leaves no schema,
    domain, row, membership, user or audit row."""
    with pytest.raises(ProvisioningError) as caught:
        services.institution_onboard(
            actor=world.operator,
            slug="noqueue",
            name="큐 없는 재단",
            short_name="큐없음",
            admin_email="first.admin@noqueue.kr",
        )
    assert caught.value.code == "invite_not_queued"
    assert caught.value.message == MESSAGES["invite_not_queued"]
    assert leftovers("noqueue") == NOTHING
    assert not User.objects.filter(email="first.admin@noqueue.kr").exists()
    assert mail.outbox == []


def test_schema_that_cannot_be_cloned_leaves_nothing(no_spares, world):
    """The database refuses halfway through the clone (an event trigger raises once the
    first table exists): no schema, no row, no domain."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION public.test_refuse_halfmade() RETURNS event_trigger"
            " LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM"
            " pg_event_trigger_ddl_commands() WHERE schema_name = 'inst_halfmade'"
            " AND command_tag = 'CREATE TABLE') THEN RAISE EXCEPTION 'disk full (injected)';"
            " END IF; END $$"
        )
        cursor.execute(
            "CREATE EVENT TRIGGER test_refuse_halfmade ON ddl_command_end"
            " EXECUTE FUNCTION public.test_refuse_halfmade()"
        )
    with pytest.raises(ProvisioningError) as caught:
        services.institution_onboard(
            actor=world.operator, slug="halfmade", name="반쯤 재단", short_name="반쯤"
        )
    assert caught.value.code == "schema_failed"
    assert "disk full" in str(caught.value.__cause__)
    assert leftovers("halfmade") == NOTHING


def test_template_with_unknown_objects_takes_the_generic_clone(no_spares, world, monkeypatch):
    """A view in the template: django-tenants' clone_schema() copies it instead."""
    with connection.cursor() as cursor:
        cursor.execute('CREATE VIEW "_template".probe_view AS SELECT 1 AS one')
    assert provisioning.clone_unsupported() == ["relation probe_view (v)"]
    calls = []
    original = CloneSchema.clone_schema

    def spy(self, base, new, *args, **kwargs):
        calls.append((base, new))
        return original(self, base, new, *args, **kwargs)

    monkeypatch.setattr(CloneSchema, "clone_schema", spy)
    institution = services.institution_onboard(
        actor=world.operator, slug="viewed", name="뷰 재단", short_name="뷰"
    )
    assert calls == [("_template", "inst_viewed")]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.views"
            " WHERE table_schema = %s AND table_name = 'probe_view'",
            [institution.schema_name],
        )
        assert cursor.fetchone() is not None


def test_template_behind_is_refused(world):
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "_template".django_migrations WHERE id = '
            '(SELECT MAX(id) FROM "_template".django_migrations)'
        )
    assert provisioning.pending_migrations("_template")
    with pytest.raises(ProvisioningError) as caught:
        services.institution_onboard(
            actor=world.operator, slug="stale", name="기관", short_name="기관"
        )
    assert caught.value.code == "template_outdated"
    assert leftovers("stale") == NOTHING


def test_suspend_and_reactivate_need_a_reason_and_are_audited(onboard, world):
    institution = onboard(slug="cycle", admin_email="boss@cycle.kr")
    mail.outbox.clear()
    with pytest.raises(ValidationError) as caught:
        services.institution_suspend(actor=world.operator, institution=institution, reason=" ")
    assert "reason" in caught.value.error_dict
    assert Institution.objects.get(pk=institution.pk).status == "active"

    suspended = services.institution_suspend(
        actor=world.operator, institution=institution, reason="요금 미납"
    )
    assert suspended.status == "suspended"
    stored = Institution.objects.get(pk=institution.pk)
    assert (stored.status, stored.status_reason) == ("suspended", "요금 미납")
    with pytest.raises(LifecycleError) as caught:
        services.institution_suspend(actor=world.operator, institution=stored, reason="다시")
    assert caught.value.code == "illegal_transition"

    services.institution_reactivate(actor=world.operator, institution=stored, reason="납부 확인")
    assert Institution.objects.get(pk=institution.pk).status == "active"
    actions = list(
        PlatformAuditEvent.objects.filter(institution=institution)
        .order_by("id")
        .values_list("action", "reason")
    )
    assert actions == [
        ("onboard", ""),
        ("suspend", "요금 미납"),
        ("reactivate", "납부 확인"),
    ]


def test_suspension_leaves_data_untouched(world, in_schema):
    with in_schema(world.inst_a):
        before = sorted(Setting.objects.values_list("key", flat=True))
    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    services.institution_reactivate(actor=world.operator, institution=world.inst_a, reason="끝")
    with in_schema(world.inst_a):
        assert sorted(Setting.objects.values_list("key", flat=True)) == before


def test_delete_is_refused_without_export_unless_forced(onboard, world):
    institution = onboard(slug="leaving")
    with pytest.raises(LifecycleError) as caught:
        services.institution_delete(actor=world.operator, institution=institution, reason="탈퇴")
    assert caught.value.code == "export_required"
    assert Institution.objects.get(pk=institution.pk).status == "active"
    assert not PlatformAuditEvent.objects.filter(institution=institution, action="delete").exists()

    services.institution_delete(
        actor=world.operator, institution=institution, reason="탈퇴", force=True
    )
    stored = Institution.objects.get(pk=institution.pk)
    assert stored.status == "archived"
    assert schema_exists(stored.schema_name)  # archived, data kept
    event = PlatformAuditEvent.objects.get(institution=institution, action="delete")
    assert event.details["forced"] is True
    assert event.reason == "탈퇴"


def test_delete_after_export_archives_and_purge_drops_the_schema(onboard, world, tmp_path):
    institution = onboard(slug="purged")
    services.institution_export(actor=world.operator, institution=institution, destination=tmp_path)
    services.institution_delete(
        actor=world.operator, institution=institution, reason="통폐합", purge=True
    )
    stored = Institution.objects.get(pk=institution.pk)
    assert stored.status == "archived"
    assert not schema_exists("inst_purged")
    event = PlatformAuditEvent.objects.get(institution=institution, action="delete")
    assert event.details["forced"] is False
    assert event.details["purged"] is True
    assert event.details["export_file"].endswith(".tar.gz")
    with pytest.raises(LifecycleError):
        services.institution_reactivate(actor=world.operator, institution=stored, reason="복구")


def test_a_spare_clone_is_renamed_instead_of_cloning(no_spares, onboard, monkeypatch):
    """With a spare ready, onboarding renames it (no clone in the request)."""
    assert provisioning.refill_spares(target=1)["created"] == 1
    [spare] = provisioning.spare_schemas()
    monkeypatch.setattr(
        provisioning, "clone_template", lambda *a, **k: pytest.fail("cloned in the request")
    )
    with CaptureQueriesContext(connection) as captured:
        institution = onboard(slug="from-spare")
    assert not [q for q in captured.captured_queries if "CREATE TABLE" in q["sql"]]
    assert provisioning.spare_schemas() == []
    assert not schema_exists(spare)
    assert provisioning.pending_migrations(institution.schema_name) == []
    assert catalog(institution.schema_name)["constraints"] == catalog("_template")["constraints"]
    with schema_context(institution.schema_name):
        assert Setting.objects.filter(key="booking").exists()


def test_a_spare_behind_the_template_is_never_used_and_is_replaced(no_spares, onboard):
    provisioning.refill_spares(target=1)
    [stale] = provisioning.spare_schemas()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{stale}".django_migrations WHERE id = '
            f'(SELECT MAX(id) FROM "{stale}".django_migrations)'
        )
    institution = onboard(slug="no-stale")
    assert provisioning.spare_schemas() == [stale]  # cloned instead
    assert provisioning.pending_migrations(institution.schema_name) == []
    result = provisioning.refill_spares(target=1)
    assert (result["dropped"], result["created"]) == (1, 1)
    assert stale not in provisioning.spare_schemas()
