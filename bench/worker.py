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
        started = time.perf_counter()
        institution_onboard(
            actor="bench",
            slug=f"{prefix}{n:03d}",
            name=f"벤치마크 기관 {prefix} {n}",
            short_name=f"벤치{n}",
            admin_email=f"admin{n}@{prefix}.bench.kr",
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
    from django.test import override_settings

    clone = _onboard("clone", clone_count)
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        zero = _onboard("zero", zero_count)
    return {"clone": _summary(clone), "migrate": _summary(zero)}


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
