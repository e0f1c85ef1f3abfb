"""A month of demo events: weekly and monthly meetings, department events,
personal appointments, invitations. Idempotent (by calendar and title)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from groupware.models import Department, StaffProfile
from groupware.schedule import services
from groupware.schedule.models import Attendee, Event


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# Long because it is demo data written out (idempotent get-or-create, one item per line).
def seed_institution(*, institution, people) -> None:
    admin = people.get("admin")
    if admin is None:
        return
    today = timezone.localdate()
    first = today.replace(day=1)
    monday = today - timedelta(days=today.weekday())
    inst_cal = services.institution_calendar(institution)

    def event(calendar, actor, title, **kwargs):
        if Event.objects.filter(calendar=calendar, title=title).exists():
            return None
        return services.event_create(
            actor=actor, institution=institution, calendar=calendar, title=title, **kwargs
        )

    staff = [people.get(k) for k in ("staff1", "staff2", "staff3", "facility") if people.get(k)]
    weekly = event(
        inst_cal,
        admin,
        "주간 간부회의",
        starts_at=_at(monday - timedelta(days=14), 9),
        ends_at=_at(monday - timedelta(days=14), 10),
        place="본관 3층 대회의실",
        repeat="WEEKLY",
        repeat_until=first + timedelta(days=70),
    )
    if weekly is not None:  # next week's meeting moves to Tuesday, the one after is off
        next_monday = monday + timedelta(days=7)
        services.occurrence_update(
            actor=admin,
            institution=institution,
            event=weekly,
            original_start=_at(next_monday, 9),
            title="주간 간부회의 (화요일로 변경)",
            starts_at=_at(next_monday + timedelta(days=1), 14),
            ends_at=_at(next_monday + timedelta(days=1), 15),
            place="본관 3층 대회의실",
        )
        services.occurrence_cancel(
            actor=admin,
            institution=institution,
            event=weekly,
            original_start=_at(next_monday + timedelta(days=7), 9),
        )
    event(
        inst_cal,
        admin,
        "월례 조회",
        starts_at=_at(first, 8, 30),
        ends_at=_at(first, 9),
        place="본관 대강당",
        repeat="MONTHLY",
    )
    event(
        inst_cal,
        admin,
        "창립기념일",
        all_day=True,
        start_date=first + timedelta(days=17),
        end_date=first + timedelta(days=17),
    )
    event(
        inst_cal,
        admin,
        "전 직원 청렴 교육",
        starts_at=_at(today + timedelta(days=2), 14),
        ends_at=_at(today + timedelta(days=2), 16),
        place="본관 대강당",
        attendees=staff,
    )
    event(
        inst_cal,
        admin,
        "연말 시설 안전점검",
        all_day=True,
        start_date=today + timedelta(days=8),
        end_date=today + timedelta(days=10),
    )
    for name, title, offset, hour in (
        ("기획예산팀", "예산 요구서 검토 회의", 1, 10),
        ("시설운영팀", "대관 정산 마감", 4, 15),
        ("인사총무팀", "신규 직원 채용 면접", 6, 13),
        ("홍보협력팀", "보도자료 배포 일정 점검", 3, 11),
        ("사업기획팀", "축제 실행계획 보고", 9, 10),
    ):
        department = Department.objects.filter(name=name).first()
        if department is None:
            continue
        calendar = services.department_calendar(department)
        head = (
            StaffProfile.objects.filter(department=department, is_department_head=True)
            .select_related("user")
            .first()
        )
        colleagues = [
            p.user
            for p in StaffProfile.objects.filter(department=department).select_related("user")
        ]
        event(
            calendar,
            head.user if head else admin,
            title,
            starts_at=_at(today + timedelta(days=offset), hour),
            ends_at=_at(today + timedelta(days=offset), hour + 1),
            place="소회의실",
            attendees=colleagues,
        )
    for key, title, offset, hour in (
        ("admin", "이사회 안건 사전 보고", 0, 15),
        ("staff1", "외부 위원 회의록 정리", 1, 14),
        ("staff2", "예술단체 현장 방문", 5, 10),
    ):
        user = people.get(key)
        if user is None:
            continue
        event(
            services.personal_calendar(user),
            user,
            title,
            starts_at=_at(today + timedelta(days=offset), hour),
            ends_at=_at(today + timedelta(days=offset), hour + 1),
        )
    # one answered invitation so the demo shows both states
    first_staff = people.get("staff2")
    if first_staff is not None:
        Attendee.objects.filter(
            user=first_staff, event__title="전 직원 청렴 교육", status=Attendee.Status.PENDING
        ).update(status=Attendee.Status.ACCEPTED, responded_at=timezone.now())
