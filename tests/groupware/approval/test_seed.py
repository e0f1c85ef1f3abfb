"""The demo seed: documents in every state, 전결 and 대결 among them, idempotent."""

from django_tenants.utils import schema_context

from groupware.approval.models import Document, PostReport, State
from groupware.approval.seed import seed_institution


def test_seed_every_state_and_idempotent(world):
    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
    }
    with schema_context(world.inst_a.schema_name):
        seed_institution(institution=world.inst_a, people=people)
        count = Document.objects.count()
        seed_institution(institution=world.inst_a, people=people)
        assert Document.objects.count() == count
        assert set(Document.objects.values_list("state", flat=True)) == set(State.values)
        approved = Document.objects.filter(state=State.APPROVED)
        assert any(d.current_steps().last().delegated for d in approved)
        assert any(d.current_steps().last().acting for d in approved)
        assert PostReport.objects.exists()
