"""Making data ten times bigger, cheaply: rows copied in bulk (no services, no schemas).

``grow_institution`` multiplies the rows behind every list an institution's pages show
(documents with their approval lines and readers, posts and comments, events, bookings and
their history, facilities and hours, programs, site pages, audit rows, absences, staff)
— the copies keep their foreign keys, so detail pages of the originals grow too (more
comments, more history). ``add_institutions`` adds institutions as public-schema rows
only (institution, domain, their portal entries copied from a real one): what the portal
and console read, without a schema each (a clone costs ~1 s).
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model

from accounts.models import Membership, Role, User


def _copy(obj: Model, **changes) -> Model:
    model = type(obj)
    values = {
        f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key
    }
    values.update(changes)
    return model(**values)


def clone(queryset, times: int, *, vary=None, children=()) -> int:
    """Add ``times - 1`` copies of every row of ``queryset`` (``vary(copy, n)`` makes the
    n-th copy unique where a constraint asks); ``children``: ``(model, fk_name)`` whose
    rows are copied onto each new parent. Returns the rows added (parents only)."""
    originals = list(queryset)
    model = queryset.model
    added = 0
    for n in range(1, times):
        copies = []
        for obj in originals:
            copy = _copy(obj)
            if vary is not None:
                vary(copy, n)
            copies.append(copy)
        created = model.objects.bulk_create(copies, batch_size=500)
        added += len(created)
        new_of = {o.pk: c.pk for o, c in zip(originals, created, strict=True)}
        for child_model, fk in children:
            kids = child_model.objects.filter(**{f"{fk}_id__in": list(new_of)})
            child_model.objects.bulk_create(
                [_copy(kid, **{f"{fk}_id": new_of[getattr(kid, f"{fk}_id")]}) for kid in kids],
                batch_size=500,
            )
    return added


def _suffix(field: str):
    def vary(copy, n):
        setattr(copy, field, f"{getattr(copy, field)}-{n}")

    return vary


def _new_uid(copy, n):
    copy.uid = uuid.uuid4()


def _shift_booking(copy, n):
    # 52 weeks a copy: the same weekday and hours, never overlapping the original
    delta = dt.timedelta(weeks=52 * n)
    for field in ("start", "end", "hold_start", "hold_end"):
        setattr(copy, field, getattr(copy, field) + delta)
    copy.series_id = None


def _next_serial(copy, n):
    if copy.serial is not None:
        copy.serial += 100_000 * n


@contextmanager
def _triggers_off():
    """Copies of approved documents get their approval lines too: the database's
    immutability triggers (rightly) refuse new children of an approved document, so they
    are off while copying (this transaction only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")


def grow_institution(institution, times: int = 10) -> dict[str, int]:
    """Run inside the institution's schema, in a transaction: every list ``times`` as
    long."""
    with _triggers_off():
        return _grow(institution, times)


def _grow(institution, times: int) -> dict[str, int]:
    from facility_booking.models import Facility, OpeningHours, Reservation, ReservationEvent
    from groupware.approval.models import Document, DocumentEvent, Reader, Step
    from groupware.approval.models import Notification as ApprovalNotice
    from groupware.boards.models import Comment, Post
    from groupware.models import Absence, StaffProfile
    from groupware.schedule.models import Attendee, Event
    from institution.models import AuditEvent
    from programs.models import Program
    from website.models import Disclosure, JobPosting, Page, SiteEvent

    added = {
        "documents": clone(
            Document.objects.all(),
            times,
            vary=_next_serial,
            children=((Step, "document"), (Reader, "document"), (DocumentEvent, "document")),
        ),
        "approval notices": clone(ApprovalNotice.objects.all(), times),
        "posts": clone(Post.objects.all(), times, children=((Comment, "post"),)),
        "comments": clone(Comment.objects.all(), times),
        "events": clone(Event.objects.all(), times, vary=_new_uid, children=((Attendee, "event"),)),
        "facilities": clone(
            Facility.objects.all(),
            times,
            vary=_suffix("name"),
            children=((OpeningHours, "facility"),),
        ),
        "bookings": clone(
            Reservation.objects.filter(series__isnull=True), times, vary=_shift_booking
        ),
        "booking history": clone(ReservationEvent.objects.all(), times),
        "programs": clone(Program.objects.all(), times),
        "site pages": clone(Page.objects.all(), times, vary=_suffix("slug")),
        "job postings": clone(JobPosting.objects.all(), times),
        "disclosures": clone(Disclosure.objects.all(), times),
        "site events": clone(SiteEvent.objects.all(), times),
        "audit rows": clone(AuditEvent.objects.all(), times),
        "absences": clone(Absence.objects.all(), times),
    }
    # staff: new people with the same roles and profiles (members, directory, org chart)
    profiles = list(StaffProfile.objects.all())
    members = {m.user_id: m for m in Membership.objects.filter(institution=institution)}
    users = []
    for n in range(1, times):
        for profile in profiles:
            users.append(
                User(email=f"grown{n}.{profile.user_id}@test.kr", name=f"직원{n}-{profile.user_id}")
            )
    users = User.objects.bulk_create(users, batch_size=500)
    pairs = [(profile, n) for n in range(1, times) for profile in profiles]
    StaffProfile.objects.bulk_create(
        [_copy(profile, user_id=user.pk) for (profile, _n), user in zip(pairs, users, strict=True)],
        batch_size=500,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                institution=institution,
                role=getattr(members.get(profile.user_id), "role", Role.STAFF),
            )
            for (profile, _n), user in zip(pairs, users, strict=True)
        ],
        batch_size=500,
    )
    added["staff"] = len(users)
    return added


def add_institutions(count: int, *, like) -> list:
    """``count`` more institutions as public rows (institution, primary domain, copies of
    ``like``'s portal entries and venue hours). Their schemas do not exist: only pages that
    read the public schema (portal, console lists) may touch them."""
    from django.conf import settings

    from portal.models import PortalEntry, VenueHours
    from tenants.models import Domain, Institution

    institutions = Institution.objects.bulk_create(
        [
            Institution(
                schema_name=f"inst_grown{n:03d}",
                slug=f"grown{n:03d}",
                name=f"성장시 기관 {n:03d}",
                short_name=f"성장{n:03d}",
                status=Institution.Status.ACTIVE,
            )
            for n in range(count)
        ]
    )
    Domain.objects.bulk_create(
        [
            Domain(domain=f"{i.slug}.{settings.SUITE_DOMAIN}", tenant=i, is_primary=True)
            for i in institutions
        ]
    )
    entries = list(PortalEntry.objects.filter(institution=like))
    hours = list(VenueHours.objects.filter(entry__institution=like))
    copies = PortalEntry.objects.bulk_create(
        [_copy(e, institution_id=i.pk) for i in institutions for e in entries], batch_size=1000
    )
    new_hours = []
    for n in range(len(institutions)):
        new_of = {e.pk: c.pk for e, c in zip(entries, copies[n * len(entries) :], strict=False)}
        new_hours += [_copy(h, entry_id=new_of[h.entry_id]) for h in hours]
    VenueHours.objects.bulk_create(new_hours, batch_size=2000)
    return institutions
