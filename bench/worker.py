"""Steps run inside the benchmark database (python -m bench.worker <step> ...).

Each prints one JSON object on its last line of output.
"""

import json
import statistics
import sys
import time


def _setup_django():
    import django

    django.setup()


def step_setup() -> dict:
    from django.core.management import call_command

    from tenants.provisioning import ensure_template_schema

    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public = time.perf_counter() - started
    started = time.perf_counter()
    ensure_template_schema()
    return {"public_seconds": public, "template_seconds": time.perf_counter() - started}


def _onboard(prefix: str, count: int) -> list[float]:
    from django.db import connection

    from tenants.services import institution_onboard

    timings = []
    for n in range(count):
        slug = f"{prefix}{n:03d}"
        started = time.perf_counter()
        institution_onboard(
            actor="bench",
            slug=slug,
            name=f"벤치마크 기관 {slug}",
            short_name=f"벤치{n}",
            admin_email=f"admin@{slug}.bench.kr",
        )
        timings.append(time.perf_counter() - started)
        connection.set_schema_to_public()
    return timings


def _summary(timings: list[float]) -> dict:
    return {
        "count": len(timings),
        "mean": statistics.mean(timings),
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
        "first": timings[0],
    }


def step_onboard(clone_count: int, zero_count: int) -> dict:
    """Interleaved, so a burst of load on the machine hits every way alike."""
    from django.test import override_settings

    from tenants.provisioning import refill_spares

    clone, spare, generic, zero = [], [], [], []
    for n in range(max(clone_count, zero_count)):
        if n < clone_count:
            clone += _onboard(f"clone{n:03d}-", 1)
            refill_spares(1)  # untimed: the task worker's job after an onboarding
            spare += _onboard(f"spare{n:03d}-", 1)
        if n < zero_count:
            with override_settings(TENANT_FAST_CLONE=False):
                generic += _onboard(f"generic{n:03d}-", 1)
            with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
                zero += _onboard(f"zero{n:03d}-", 1)
    return {
        "clone": _summary(clone),
        "spare": _summary(spare),
        "generic": _summary(generic),
        "migrate": _summary(zero),
    }


def step_populate(total: int) -> dict:
    from tenants.models import Institution

    missing = total - Institution.objects.count()
    timings = _onboard("fill", max(missing, 0))
    return {"created": len(timings), "total": Institution.objects.count()}


def step_load_fixture(residents: int) -> dict:
    """For the load and fault benchmarks, on top of the demo world: residents with API
    tokens, and the public facilities of each institution."""
    from django_tenants.utils import schema_context

    from accounts.models import User
    from api.tokens import token_create
    from facility_booking.models import Facility
    from tenants.models import Institution

    tokens = {}
    for n in range(residents):
        email = f"load{n:03d}@bench.kr"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password="bench-pass-2468", name=f"부하주민{n}"
        )
        tokens[email] = token_create(user=user, name="bench")[1]
    facilities = {}
    for institution in Institution.objects.filter(status="active").exclude(schema_name="public"):
        with schema_context(institution.schema_name):
            facilities[institution.primary_host] = [
                {"id": f.pk, "slot": f.slot_minutes, "min": f.min_minutes, "name": f.name}
                for f in Facility.objects.filter(is_active=True, visibility="public")
            ]
    return {"tokens": tokens, "facilities": facilities}


def step_tenancy(rounds: int) -> dict:
    from bench.tenancy import measure

    return measure(rounds)


def step_enqueue_mail(subject: str, task_path: str = "suite.tasks.send_email") -> dict:
    """Queue one e-mail through the suite's own task (the fault benchmark's victim), or
    through bench.mail.send_then_linger."""
    from bench.mail import send_then_linger
    from suite.tasks import send_email

    chosen = send_then_linger if task_path.endswith("send_then_linger") else send_email
    result = chosen.enqueue(
        to=["resident1@demo.kr"], subject=subject, body="예약이 승인되었습니다.\n"
    )
    return {"id": str(result.id)}


def step_consistency() -> dict:
    """After a fault: nothing half-written in any institution schema.

    A reservation's status was reached by a recorded event; its total equals its price
    lines; an approved document has its number, its approval time and its final step
    approved; an approved step has the time it was acted on.
    """
    from django_tenants.utils import schema_context

    from facility_booking.models import Reservation
    from groupware.approval.models import Document, Step, StepRole, StepStatus
    from tenants.models import Institution

    checked, problems = 0, []
    for institution in Institution.objects.exclude(schema_name="public"):
        with schema_context(institution.schema_name):
            for r in Reservation.objects.prefetch_related("events"):
                checked += 1
                reached = {e.to_status for e in r.events.all()}
                if r.status != "blocked" and r.status not in reached:
                    problems.append(f"{institution.slug} {r.number}: {r.status} without its event")
                lines = r.price_lines or []
                itemised = lines and all(isinstance(x, dict) and "amount" in x for x in lines)
                if itemised and sum(int(x["amount"]) for x in lines) != r.total_amount:
                    problems.append(f"{institution.slug} {r.number}: total ≠ price lines")
            for d in Document.objects.filter(state="approved"):
                checked += 1
                if not d.number or d.approved_at is None:
                    problems.append(f"{institution.slug} document {d.pk}: approved without number")
                final = Step.objects.filter(document=d, role=StepRole.APPROVE).order_by("-order")
                if final.exists() and final.first().status not in (
                    StepStatus.APPROVED,
                    StepStatus.SKIPPED,
                ):
                    problems.append(f"{institution.slug} document {d.pk}: final step not approved")
    return {"checked": checked, "problems": len(problems), "examples": problems[:20]}


def step_pdf(rounds: int, mode: str = "") -> dict:
    from bench.pdf import measure

    return measure(rounds, mode)


def step_fill(prefix: str, count: int) -> dict:
    from bench.citus_scale import fill_step

    return fill_step(str(prefix), count)


def step_timed_command(*args) -> dict:
    from bench.citus_scale import timed_command

    return timed_command(*args)


def step_onboard_timed(count: int) -> dict:
    from bench.citus_scale import onboard_timed

    return onboard_timed(count)


def step_portal(path: str, rounds: int) -> dict:
    from bench.citus_scale import portal

    return portal(path, rounds)


STEPS = {
    "fill": step_fill,
    "timed_command": step_timed_command,
    "onboard_timed": step_onboard_timed,
    "portal": step_portal,
    "pdf": step_pdf,
    "enqueue_mail": step_enqueue_mail,
    "consistency": step_consistency,
    "tenancy": step_tenancy,
    "setup": step_setup,
    "onboard": step_onboard,
    "populate": step_populate,
    "load_fixture": step_load_fixture,
}

if __name__ == "__main__":
    _setup_django()
    name, *args = sys.argv[1:]
    result = STEPS[name](*[int(a) if a.isdigit() else a for a in args])
    print(json.dumps(result))
