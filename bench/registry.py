"""The benchmarks `make bench` knows, in the order they run and appear in
docs/performance.md. Registering one is one line here (see bench/README.md).

Each entry is a module with ``TITLE`` and ``run(args) -> dict`` (and optionally
``add_arguments(parser)`` and ``details(result) -> str``).
"""

import argparse

from bench import (
    citus_scale,
    faults,
    load,
    migrations,
    onboarding,
    pdf,
    portal_search,
    tenancy,
)
from bench.common import figure


class PortalSearch:
    """bench/portal_search.py (issue 11) in the framework: its own ``run`` and
    ``section``, its figures against the targets it states."""

    TITLE = "Portal search: the index vs. a naive scan, and quality"

    @staticmethod
    def add_arguments(group) -> None:
        group.add_argument("--portal-institutions", type=int, default=100)

    @staticmethod
    def run(args) -> dict:
        count = 10 if args.quick else args.portal_institutions
        result = portal_search.run(argparse.Namespace(institutions=count, keep=False))
        m = result["measure"]
        ratio = m["naive"]["p95"] / m["indexed"]["p95"]
        result["figures"] = [
            figure("index entries", m["entries"], note=f"{m['institutions']} institutions"),
            figure(
                "search p95",
                m["indexed"]["p95"],
                "ms",
                target="< 50 ms",
                met=m["indexed"]["p95"] < 50,
            ),
            figure("faster than a naive scan (p95)", ratio, "×", target="≥ 20×", met=ratio >= 20),
            figure(
                "free-venue filter p95",
                m["free"]["p95"],
                "ms",
                target="< 100 ms",
                met=m["free"]["p95"] < 100,
            ),
            figure(
                "recall@10 on the labelled set",
                m["quality"]["recall_at_10"],
                target="≥ 0.9",
                met=m["quality"]["recall_at_10"] >= 0.9,
                note=f"MRR {m['quality']['mrr']:.2f}",
            ),
        ]
        return result

    @staticmethod
    def details(result: dict) -> str:
        # Its own section, markers kept (so `python -m bench.portal_search` alone still
        # finds them), its heading dropped (the framework gives one).
        return "\n".join(
            line
            for line in portal_search.section(result).splitlines()
            if not line.startswith("## ")
        )


BENCHMARKS = {
    "onboarding": onboarding,
    "migrations": migrations,
    "tenancy": tenancy,
    "portal_search": PortalSearch,
    "load": load,
    "faults": faults,
    "pdf": pdf,
    "scale": citus_scale,
}
