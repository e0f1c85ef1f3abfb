from facility_booking.management.commands._loop import InstitutionLoopCommand
from facility_booking.tasks_fair import fair_work, fair_work_here


class Command(InstitutionLoopCommand):
    help = (
        "Fair booking in every active institution: draw lottery rounds whose window closed, "
        "expire unpaid recurring-series bills, end waits whose time has come. Cron: every 5 minutes."
    )
    task = fair_work
    inline = staticmethod(fair_work_here)
    verb = "done"
