"""Helpers for the lifecycle tests: what exists for a slug, across public and schemas."""

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Domain, Institution, PlatformAuditEvent, schema_name_for


def leftovers(slug: str) -> dict:
    """Everything onboarding would create for ``slug`` (all empty/False when nothing was)."""
    return {
        "row": Institution.objects.filter(slug=slug).exists(),
        "domain": Domain.objects.filter(domain__startswith=f"{slug}.").exists(),
        "schema": schema_exists(schema_name_for(slug)),
        "audit": PlatformAuditEvent.objects.filter(institution_slug=slug).exists(),
    }


NOTHING = {"row": False, "domain": False, "schema": False, "audit": False}


@pytest.fixture
def onboard(world):
    """Factory: onboard an institution as the operator (inside the test transaction)."""
    from tenants.services import institution_onboard

    def make(slug="newinst", **kwargs):
        kwargs.setdefault("name", "새 기관 재단")
        kwargs.setdefault("short_name", "새기관")
        institution = institution_onboard(actor=world.operator, slug=slug, **kwargs)
        connection.set_schema_to_public()
        return institution

    return make


@pytest.fixture
def no_spares(db):
    """No spare clones (the world's onboardings leave some behind, see
    tenants.provisioning), so onboarding clones; dropped inside the test transaction."""
    from tenants.provisioning import drop_schema, spare_schemas

    for name in spare_schemas():
        drop_schema(name)
    connection.set_schema_to_public()
