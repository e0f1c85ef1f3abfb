"""PDF rendering: the booking permit and the approved official document (공문서), the
first one in a fresh process (fonts and layout cold) and then warm."""

import statistics

from bench.common import django_env, figure, manage, scratch_database, worker

TITLE = "PDF rendering: permit and official document, cold and warm"
DB_NAME = "bench_pdf"


def add_arguments(group) -> None:
    group.add_argument("--pdf-rounds", type=int, default=20, help="warm renderings of each")


def run(args) -> dict:
    rounds = 5 if args.quick else args.pdf_rounds
    with scratch_database(DB_NAME) as url:
        env = django_env(url, DB_POOL="0")
        print(f"· {DB_NAME}: migrating and seeding the demo world", flush=True)
        manage(env, "setup_suite", "--seed", "--verbosity", "0")
        measured = worker(env, "pdf", rounds)
        # a fresh process as a gunicorn worker starts: suite.pdf.warm() first (suite/wsgi.py)
        measured["started"] = worker(env, "pdf", rounds, "started")
    figures = []
    for key, label in (("permit", "permit (허가서)"), ("document", "official document (공문서)")):
        m = measured[key]
        figures.append(
            figure(
                f"{label}: first in a fresh process",
                m["cold"],
                "s",
                target="≤ 2 s",
                met=m["cold"] <= 2,
            )
        )
        figures.append(
            figure(
                f"{label}: warm (median of {rounds})",
                m["warm_median"],
                "s",
                target="≤ 0.5 s",
                met=m["warm_median"] <= 0.5,
                note=f"{m['bytes']:,} bytes, {m['pages']} page(s)",
            )
        )
    started = measured["started"]
    figures.append(
        figure(
            "worker start: warming WeasyPrint and the font (suite.pdf.warm)",
            started["warm_seconds"],
            "s",
            note="paid by the worker as it starts, before its first request",
        )
    )
    figures.append(
        figure(
            "permit (허가서): first in a worker that warmed at start",
            started["first_after_warm"],
            "s",
            target="≤ 0.5 s",
            met=started["first_after_warm"] <= 0.5,
        )
    )
    figures.append(
        figure(
            f"permit (허가서): served stored, unchanged booking (median of {rounds})",
            started["stored_median"] * 1000,
            "ms",
            target="nothing rendered",
            met=started["stored_renders"] == 0,
            note=f"{started['stored_renders']} rendering(s) in {rounds} downloads",
        )
    )
    return {"rounds": rounds, "measured": measured, "figures": figures}


def details(result: dict) -> str:
    return """Rendered by the suite's own functions (`facility_booking.documents.permit_pdf`,
`groupware.approval.pdf.render_document_pdf`, WeasyPrint with the Korean font shipped in
`suite/fonts/`) in one fresh process (bench/worker.py `pdf`) over the demo world: a paid
booking and an approved document of the culture foundation. "First" includes loading
WeasyPrint, the font and the template; "warm" is the same rendering repeated.

The pages do not render on each download: a permit or receipt is stored under a name
derived from everything it prints and served from storage (facility_booking/documents.py),
rendered again only when the booking changed — normally ahead of the download, by the
task queued when the change commits. "Served stored" times `documents.stored()` for an
unchanged booking (the fingerprint, one storage lookup), counting renderings with
`documents.RENDERS`. A second fresh process first runs `suite.pdf.warm()` — what every
gunicorn worker does as it starts (suite/wsgi.py) — then renders its first permit.
"""


def measure_started(rounds: int) -> dict:
    """Runs in bench/worker.py: a worker that warmed at start, then stored permits."""
    import time

    from django_tenants.utils import schema_context

    from facility_booking import documents
    from facility_booking.models import Reservation
    from suite.pdf import warm
    from tenants.models import Institution

    institution = Institution.objects.get(slug="culture")
    warm_seconds = warm()
    with schema_context(institution.schema_name):
        booking = Reservation.objects.filter(status__in=["paid", "approved"]).first()
        started = time.perf_counter()
        documents.permit_pdf(booking)
        first = time.perf_counter() - started
        documents.stored(booking, documents.PERMIT)  # stored now if it was not yet
        before = documents.RENDERS[documents.PERMIT]
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            documents.stored(booking, documents.PERMIT)
            timings.append(time.perf_counter() - started)
    return {
        "warm_seconds": warm_seconds,
        "first_after_warm": first,
        "stored_median": statistics.median(timings),
        "stored_renders": documents.RENDERS[documents.PERMIT] - before,
    }


def measure(rounds: int, mode: str = "") -> dict:
    """Runs in bench/worker.py (Django set up)."""
    if mode == "started":
        return measure_started(rounds)
    import io
    import time

    from django_tenants.utils import schema_context
    from pypdf import PdfReader

    from facility_booking.documents import permit_pdf
    from facility_booking.models import Reservation
    from groupware.approval.models import Document
    from groupware.approval.pdf import render_document_pdf
    from tenants.models import Institution

    institution = Institution.objects.get(slug="culture")
    out = {}
    with schema_context(institution.schema_name):
        booking = Reservation.objects.filter(status__in=["paid", "approved"]).first()
        document = Document.objects.filter(state="approved").first()
        for key, render, obj in (
            ("permit", permit_pdf, booking),
            ("document", render_document_pdf, document),
        ):
            started = time.perf_counter()
            data = render(obj)
            cold = time.perf_counter() - started
            warm = []
            for _ in range(rounds):
                started = time.perf_counter()
                render(obj)
                warm.append(time.perf_counter() - started)
            out[key] = {
                "cold": cold,
                "warm_median": statistics.median(warm),
                "warm_max": max(warm),
                "bytes": len(data),
                "pages": len(PdfReader(io.BytesIO(data)).pages),
            }
    return out
