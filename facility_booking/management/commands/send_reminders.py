from facility_booking.management.commands._loop import InstitutionLoopCommand
from facility_booking.tasks import send_reminders, send_reminders_here


class Command(InstitutionLoopCommand):
    help = "E-mail day-before reminders for confirmed bookings, in every active institution."
    task = send_reminders
    inline = staticmethod(send_reminders_here)
    verb = "reminded"
