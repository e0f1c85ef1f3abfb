"""Calendar: event colours never reuse the legend's colours for leave/absence and room
bookings; day links meet the WCAG 2.2 target size (24×24 CSS px)."""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from groupware.schedule import colours, services


def test_no_calendar_colour_is_a_legend_colour(world, org, in_schema):
    with in_schema(world.inst_a):
        department = services.department_calendar(org.planning)
        institution = services.institution_calendar(world.inst_a)
    for calendar in (department, institution):
        assert not colours.reserved(calendar.display_colour)
    # an old calendar still holding the legend's green or orange shows another colour
    for legend in (colours.LEAVE, colours.BOOKING, "#1f6c35"):
        shown = colours.event_colour(legend)
        assert shown in colours.PALETTE and not colours.reserved(shown)


def test_month_page_paints_events_apart_from_leave_and_bookings(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        calendar = services.department_calendar(org.planning)
        calendar.color = colours.BOOKING  # as calendars were created before
        calendar.save(update_fields=["color"])
        start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        services.event_create(
            actor=world.admin_a,
            institution=world.inst_a,
            calendar=calendar,
            title="부서 회의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    html = on_host(world.inst_a, world.admin_a).get(
        f"/staff/calendar/?date={start:%Y-%m-%d}&cal={calendar.pk}"
    )
    html = html.content.decode()
    painted = set(re.findall(r"border-left-color:(#[0-9a-fA-F]{6})", html))
    assert painted and not any(colours.reserved(c) for c in painted)


def test_day_links_are_at_least_24_css_pixels():
    css = (Path(settings.BASE_DIR) / "groupware/static/groupware/workspace.css").read_text()
    rule = re.search(r"\.month \.daynum \{([^}]*)\}", css).group(1)
    assert "min-width: 24px" in rule and "min-height: 24px" in rule
    small = re.search(r"@media \(max-width: 40rem\) \{(.*?)\n\}", css, re.S).group(1)
    assert "height: .35rem" not in small  # no 6-pixel links on phones
