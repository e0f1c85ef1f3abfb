"""개인정보 처리방침: versions per schema (each institution, and the platform in public)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from privacy import retention
from privacy.consents import SETS
from privacy.models import PolicyVersion


def current() -> PolicyVersion | None:
    """The newest version already in effect (a version may be published ahead of its date)."""
    today = timezone.localdate()
    return PolicyVersion.objects.filter(effective_on__lte=today).order_by("-version").first()


def default_text(institution=None) -> str:
    """The policy a new institution (or the platform) starts from, with its real settings."""
    return render_to_string(
        "privacy/default_policy.txt",
        {
            "institution": institution,
            "retention_rows": retention.settings_rows(),
            "consent_sets": SETS.values(),
        },
    ).strip()


@transaction.atomic
def policy_publish(*, actor, title: str, body: str, summary: str, effective_on) -> PolicyVersion:
    """A new version (versions are never edited, so what people saw stays on record)."""
    PolicyVersion.objects.select_for_update().all().exists()
    latest = PolicyVersion.objects.aggregate(m=Max("version"))["m"] or 0
    return PolicyVersion.objects.create(
        version=latest + 1,
        title=title.strip(),
        body=body.strip(),
        summary=summary.strip(),
        effective_on=effective_on,
        created_by_id=getattr(actor, "pk", None),
    )
