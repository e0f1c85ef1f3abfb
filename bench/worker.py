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


STEPS = {"setup": step_setup, "onboard": step_onboard, "populate": step_populate}

if __name__ == "__main__":
    _setup_django()
    name, *args = sys.argv[1:]
    result = STEPS[name](*[int(a) for a in args])
    print(json.dumps(result))
