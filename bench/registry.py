"""The benchmarks `make bench` knows, in the order they run and appear in
docs/performance.md. Registering one is one line here (see bench/README.md).

Each entry is a module with ``TITLE`` and ``run(args) -> dict`` (and optionally
``add_arguments(parser)`` and ``details(result) -> str``).
"""

from bench import (
    booking_rush,
    citus_scale,
    faults,
    load,
    migrations,
    onboarding,
    pdf,
    portal_search,
    queries,
    refused_booking,
    tenancy,
)

BENCHMARKS = {
    "onboarding": onboarding,
    "migrations": migrations,
    "tenancy": tenancy,
    "queries": queries,
    "portal_search": portal_search,
    "load": load,
    "faults": faults,
    "booking_rush": booking_rush,
    "refused_booking": refused_booking,
    "pdf": pdf,
    "scale": citus_scale,
}
