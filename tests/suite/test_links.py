# ruff: noqa: F811 (the payment tests' fixtures, imported, are parameters here)
"""No absolute URL is stored: queued e-mails, messages as sent and the payment sandbox's
records keep the platform's links as tokens, built with the host and port configured when
the text is sent or shown. A port change therefore leaves no stale link anywhere (every
text and JSON column of every schema is searched)."""

from django.core import mail
from django_tenants.utils import schema_context

from notifications.models import Delivery, LocalMessage
from suite import links
from tests.payments.conftest import (  # noqa: F401 (fixtures)
    _quiet_hours_off,
    approved_booking,
    hall,
    path_of,
    portal,
    query_of,
    run_on_commit,
)
from tests.privacy.conftest import find_everywhere

OLD, NEW = "8123", "8456"


def test_tokens_round_trip_and_follow_the_port(world, settings):
    settings.SUITE_PORT = OLD
    text = (
        f"보기: {world.inst_a.absolute_url('/facilities/my/3/?x=1')} 포털: http://localhost:{OLD}/portal/my/"
        " 외부: https://example.org/a"
    )
    stored = links.collapse(text)
    assert "://" not in stored.replace("https://example.org/a", "")
    assert f":{OLD}" not in stored
    assert links.expand(stored) == text
    settings.SUITE_PORT = NEW
    again = links.expand(stored)
    assert world.inst_a.absolute_url("/facilities/my/3/?x=1") in again
    assert f"http://localhost:{NEW}/portal/my/" in again and "https://example.org/a" in again


def test_a_port_change_leaves_no_stale_link_in_any_schema(
    world, settings, hall, portal, run_on_commit, apex, on_host
):
    from django.utils import timezone

    from notifications.models import ChannelPreference

    settings.SUITE_PORT = OLD
    settings.DEBUG = True  # the developers' outbox page
    ChannelPreference.objects.update_or_create(  # 알림톡 to a verified phone (LocalMessage)
        user=world.resident,
        defaults={"phone": "010-1234-5678", "phone_verified_at": timezone.now(), "alimtalk": True},
    )
    with run_on_commit():
        # an invitation e-mail (queued on commit) and a booking's messages
        from institution import services as members

        with schema_context(world.inst_a.schema_name):
            members.member_invite(
                actor=world.admin_a,
                institution=world.inst_a,
                email="new.colleague@test.kr",
                name="새동료",
                role="staff",
            )
        booking = approved_booking(world, hall, world.resident)
    # pays through the sandbox window (its records keep the return addresses)
    client = portal(world.resident)
    window = client.post(f"/portal/my/bookings/testa/{booking.pk}/pay/", {"method": "card"})
    window = window["Location"]
    client.post(path_of(window), {**query_of(window), "action": "pay"})
    sent = [m.body for m in mail.outbox]
    assert any(f"testa.localhost:{OLD}" in body or f":{OLD}/" in body for body in sent)
    assert Delivery.objects.exists() and LocalMessage.objects.exists()
    # the messages as sent carried links on the old port, but nothing stored holds one
    hits = find_everywhere([f"localhost:{OLD}", "://testa.localhost", f":{OLD}/"])
    assert hits == []
    # shown now, the links follow the new port
    settings.SUITE_PORT = NEW
    outbox = apex(world.operator).get("/dev/outbox/").content.decode()
    assert f":{NEW}/" in outbox and f":{OLD}/" not in outbox
    hub = apex(world.resident).get("/portal/my/notifications/").content.decode()
    assert f":{OLD}/" not in hub
