"""What the public site gives the portal index: pages, job postings, disclosures,
open documents, and the institution itself (with its greeting and district)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.public import Doc, institution_doc, register_district_resolver, register_source
from suite.richtext import plain_text
from tenants.current import current_institution
from website.models import Disclosure, JobPosting, OpenDocument, Page, SiteSettings, Status


def _text(html: str) -> str:
    return " ".join(plain_text(html or "").split())


def _district() -> str:
    return SiteSettings.current().district


def _ids(keys):
    return [int(k) for k in keys if str(k).isdigit()]


def load_pages(keys):
    out = dict.fromkeys(keys)
    district = _district()
    for page in Page.objects.filter(pk__in=_ids(keys), status=Status.PUBLISHED):
        text = _text(page.published_body)
        out[str(page.pk)] = Doc(
            title=page.published_title,
            summary=Truncator(text).chars(200),
            body=text[:8000],
            keywords=f"{page.get_section_display()} 안내",
            route="website:page",
            route_args=[page.slug],
            published_at=page.published_at,
            district=district,
            data={"section": page.section, "section_label": str(page.get_section_display())},
        )
    return out


def load_jobs(keys):
    out = dict.fromkeys(keys)
    district = _district()
    for job in JobPosting.objects.filter(pk__in=_ids(keys), status=Status.PUBLISHED):
        text = _text(job.body)
        label = str(job.get_employment_type_display())
        out[str(job.pk)] = Doc(
            title=job.title,
            subtitle=" ".join(p for p in (job.department, label) if p),
            summary=Truncator(text).chars(200),
            body=(text + " " + job.how_to_apply)[:8000],
            keywords=f"채용 채용공고 모집 공고 일자리 구인 직원 {label}",
            route="website:job",
            route_args=[job.pk],
            published_at=job.published_at,
            closes_at=job.closes_at,
            district=district,
            data={
                "employment_label": label,
                "positions": job.positions,
                "department": job.department,
            },
        )
    return out


def load_disclosures(keys):
    out = dict.fromkeys(keys)
    district = _district()
    for item in Disclosure.objects.filter(pk__in=_ids(keys), status=Status.PUBLISHED):
        text = _text(item.body)
        label = str(item.get_category_display())
        group = "경영공시" if item.group == "management" else "정보공개"
        out[str(item.pk)] = Doc(
            title=item.title,
            summary=Truncator(text).chars(200) or label,
            body=text[:8000],
            keywords=f"{label} {group} 공시",
            route="website:disclosure",
            route_args=[item.pk],
            published_at=item.published_at,
            district=district,
            data={"category_label": label, "year": item.year},
        )
    return out


def load_documents(keys):
    out = dict.fromkeys(keys)
    district = _district()
    for item in OpenDocument.objects.filter(pk__in=_ids(keys), is_published=True):
        date = item.enforced_on
        date_label = f"{date.year}. {date.month}. {date.day}."
        out[str(item.pk)] = Doc(
            title=item.title,
            subtitle=item.department_name,
            summary=f"{item.number} · {item.department_name} · {date_label}",
            body=item.text[:8000],
            keywords=f"원문정보공개 공개문서 문서 {item.number}",
            route="website:document",
            route_args=[item.pk],
            published_at=timezone.make_aware(dt.datetime.combine(date, dt.time(9))),
            district=district,
            data={"number": item.number, "department": item.department_name},
        )
    return out


def load_institution(keys):
    out = dict.fromkeys(keys)
    institution = current_institution()
    if institution is None or "site" not in keys:
        return out
    site = SiteSettings.current()
    greeting = Page.objects.filter(slug="greeting", status=Status.PUBLISHED).first()
    about = " ".join([site.tagline, _text(greeting.published_body) if greeting else ""])
    doc = institution_doc(institution, about=about[:4000])
    if site.tagline:
        doc.summary = " · ".join(p for p in (site.tagline, doc.summary) if p)
    out["site"] = doc
    return out


def _keys(qs):
    return lambda: qs().values_list("pk", flat=True)


def register() -> None:
    register_source(
        "institution",
        label=_("기관"),
        load=load_institution,
        keys=lambda: ["site"],
        order=10,
    )
    register_source(
        "page",
        label=_("안내 페이지"),
        load=load_pages,
        keys=_keys(lambda: Page.objects.filter(status=Status.PUBLISHED)),
        order=50,
    )
    register_source(
        "job",
        label=_("채용"),
        load=load_jobs,
        keys=_keys(lambda: JobPosting.objects.filter(status=Status.PUBLISHED)),
        order=60,
    )
    register_source(
        "disclosure",
        label=_("경영공시·정보공개"),
        load=load_disclosures,
        keys=_keys(lambda: Disclosure.objects.filter(status=Status.PUBLISHED)),
        order=70,
    )
    register_source(
        "document",
        label=_("공개 문서"),
        load=load_documents,
        keys=_keys(lambda: OpenDocument.objects.filter(is_published=True)),
        order=80,
    )
    register_district_resolver(lambda institution: _district())
