"""Onboarding and the status lifecycle (tenants.services), on the real database."""

import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from accounts.models import Membership, Role, User
from institution.models import Setting
from tenants import provisioning, services
from tenants.errors import MESSAGES, LifecycleError, ProvisioningError
from tenants.models import Domain, Institution, PlatformAuditEvent
from tests.tenants.conftest import NOTHING, leftovers

FAILING_TASKS = {"default": {"BACKEND": "tests.tenants.backends.FailingBackend"}}


def test_onboarding_clones_the_template_and_works_at_once(onboard, monkeypatch, world):
    """The schema is cloned (not migrated), in well under a second, with domain,
    default settings, the first admin invited by e-mail and an audit row."""
    calls = []
    original = CloneSchema.clone_schema

    def spy(self, base, new, *args, **kwargs):
        calls.append((base, new))
        return original(self, base, new, *args, **kwargs)

    monkeypatch.setattr(CloneSchema, "clone_schema", spy)
    started = time.perf_counter()
    institution = onboard(
        slug="culture-2", admin_email="Boss@Culture.kr", admin_name="관장", reason="신규 가입"
    )
    elapsed = time.perf_counter() - started

    assert calls == [("_template", "inst_culture_2")]
    assert elapsed < 1.0
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
    institution = onboard(slug="withdomain", custom_domain="www.culture.or.kr")
    assert set(institution.domains.values_list("domain", "is_primary")) == {
        ("withdomain.localhost", True),
        ("www.culture.or.kr", False),
    }
    with pytest.raises(ValidationError) as caught:
        onboard(slug="other", custom_domain="WWW.culture.or.kr")
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


def test_schema_that_cannot_be_cloned_leaves_nothing(world, monkeypatch):
    def broken_clone(self, *args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute('CREATE SCHEMA "inst_halfmade"')  # half-made, then it breaks
        raise RuntimeError("clone_schema() failed")

    monkeypatch.setattr(CloneSchema, "clone_schema", broken_clone)
    with pytest.raises(ProvisioningError) as caught:
        services.institution_onboard(
            actor=world.operator, slug="halfmade", name="반쯤 재단", short_name="반쯤"
        )
    assert caught.value.code == "schema_failed"
    assert leftovers("halfmade") == NOTHING


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
