from facility_booking.management.commands._loop import InstitutionLoopCommand
from facility_booking.tasks import expire_overdue_here, expire_reservations


class Command(InstitutionLoopCommand):
    help = "Expire approved bookings not paid by their deadline, in every active institution."
    task = expire_reservations
    inline = staticmethod(expire_overdue_here)
    verb = "expired"
