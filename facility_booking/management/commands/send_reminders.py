from facility_booking.management.commands._loop import InstitutionLoopCommand
from facility_booking.tasks import send_payment_reminders_here, send_reminders, send_reminders_here


def _both(now=None) -> int:
    return send_reminders_here(now=now) + send_payment_reminders_here(now=now)


class Command(InstitutionLoopCommand):
    help = (
        "Day-before reminders of confirmed bookings and 24-hour payment-deadline reminders, "
        "in every active institution (sent by the notification service)."
    )
    task = send_reminders
    inline = staticmethod(_both)
    verb = "reminded"
