from facility_booking.management.commands._loop import InstitutionLoopCommand
from facility_booking.tasks import purge_proofs, purge_proofs_here


class Command(InstitutionLoopCommand):
    help = (
        "Delete 감면 proof files DISCOUNT_PROOF_RETENTION_DAYS after their booking ended, "
        "in every active institution (run daily)."
    )
    task = purge_proofs
    inline = staticmethod(purge_proofs_here)
    verb = "proof files deleted"
