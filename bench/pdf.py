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
    return {"rounds": rounds, "measured": measured, "figures": figures}


def details(result: dict) -> str:
    return """Rendered by the suite's own functions (`facility_booking.documents.permit_pdf`,
`groupware.approval.pdf.render_document_pdf`, WeasyPrint with the Korean font shipped in
`suite/fonts/`) in one fresh process (bench/worker.py `pdf`) over the demo world: a paid
booking and an approved document of the culture foundation. "First" includes loading
WeasyPrint, the font and the template; "warm" is the same rendering repeated.
"""


def measure(rounds: int) -> dict:
    """Runs in bench/worker.py (Django set up)."""
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
