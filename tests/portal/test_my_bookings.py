"""내 예약 in the resident's hub: upcoming first by date, then past; cancelled ones only
when asked; statuses and dates in the reader's language; a suspended institution's
bookings stay in sight, marked, with its contact."""

import datetime as dt
import re

from django.utils import timezone, translation

from facility_booking.models import Status
from portal import index
from tenants import services


def _publish(world, key, *, days, status, institution=None, owner=None):
    start = timezone.localtime() + dt.timedelta(days=days)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    index.publish(
        institution=institution or world.inst_a,
        kind="booking",
        key=key,
        title=f"시설 {key}",
        owner=owner or world.resident,
        route="facility_booking:my_booking",
        route_args=[key],
        data={
            "status": status,
            "status_label": "저장된라벨",  # what was stored once: never shown
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
            "number": f"R-{key}",
            "facility": f"시설{key}",
            "money": {"total": 10000, "paid": 10000 if status == "paid" else 0},
        },
    )


def _numbers(html: str) -> list[str]:
    return re.findall(r"R-(\d+)", html)


def test_upcoming_first_by_date_then_past_cancelled_only_when_asked(world, apex):
    _publish(world, 1, days=-3, status="completed")
    _publish(world, 2, days=9, status="paid")
    _publish(world, 3, days=2, status="requested")
    _publish(world, 4, days=-10, status="no_show")
    _publish(world, 5, days=5, status="cancelled")
    _publish(world, 6, days=1, status="approved", owner=world.resident2)  # someone else's
    client = apex(world.resident)
    html = client.get("/portal/my/bookings/").content.decode()
    assert _numbers(html) == ["3", "2", "1", "4"]
    upcoming, past = html.split('id="past-h"')
    assert _numbers(upcoming) == ["3", "2"] and _numbers(past) == ["1", "4"]
    shown = client.get("/portal/my/bookings/?cancelled=1").content.decode()
    assert _numbers(shown) == ["3", "5", "2", "1", "4"]
    assert "저장된라벨" not in html


def test_statuses_and_dates_in_the_readers_language(world, apex):
    _publish(world, 7, days=4, status="requested")
    client = apex(world.resident)
    korean = client.get("/portal/my/bookings/").content.decode()
    assert str(Status.REQUESTED.label) in korean and "저장된라벨" not in korean
    # a signed-in person's language is the one kept on the account (suite/locale.py)
    type(world.resident).objects.filter(pk=world.resident.pk).update(preferred_language="en")
    english = client.get("/portal/my/bookings/").content.decode()
    with translation.override("en"):
        assert str(Status.REQUESTED.label) in english
        assert "저장된라벨" not in english
    start = timezone.localtime() + dt.timedelta(days=4)
    assert f"{start:%Y}. {start.month}. {start.day}." in korean
    assert f"{start:%b} {start.day}, {start:%Y}" in english  # Dec 5, 2026


def test_suspended_institution_keeps_bookings_in_sight_with_its_contact(world, apex):
    _publish(world, 8, days=6, status="paid")
    _publish(world, 9, days=6, status="approved", institution=world.inst_b)
    world.inst_a.phone = "02-123-4567"
    world.inst_a.email = "help@inst-a.test"
    world.inst_a.save(update_fields=["phone", "email"])
    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    for url in ("/portal/my/bookings/", "/portal/my/"):
        html = apex(world.resident).get(url).content.decode()
        assert "R-8" in html and "R-9" in html, url
        row = html[html.index("R-8") - 400 : html.index("R-8") + 2000]
        assert "기관 서비스 일시 정지" in row
        assert "02-123-4567" in row and "help@inst-a.test" in row
        # nothing to do there while it is closed: no pay/cancel/document links
        assert "/portal/my/bookings/testa/8/" not in html
    # the hub's pages of the suspended institution answer 404, nothing is done
    assert apex(world.resident).get("/portal/my/bookings/testa/8/cancel/").status_code == 404


def test_suspended_page_names_the_institution_contact_reason_and_portal(world, on_host):
    world.inst_a.phone = "02-123-4567"
    world.inst_a.email = "help@inst-a.test"
    world.inst_a.save(update_fields=["phone", "email"])
    services.institution_suspend(
        actor=world.operator, institution=world.inst_a, reason="전산 장비 교체"
    )
    world.inst_a.refresh_from_db()
    response = on_host(world.inst_a, world.resident).get("/facilities/")
    html = response.content.decode()
    assert response.status_code == 503
    assert world.inst_a.name in html
    assert "02-123-4567" in html and "help@inst-a.test" in html
    assert "전산 장비 교체" in html
    from tenants.models import apex_url

    assert f'href="{apex_url("/")}"' in html
    assert "<style" not in html  # the policy allows no <style> element
