from django.apps import AppConfig


class ApprovalConfig(AppConfig):
    name = "groupware.approval"
    label = "approval"
    verbose_name = "전자결재"

    def ready(self) -> None:
        from accounts.handover import handover_participants
        from groupware.approval import (
            events,  # noqa: F401 - the notification event approval_notice
            sections,
        )
        from groupware.approval.services.handover import handover_participant
        from groupware.public import dashboard_sections

        handover_participants.register("approval", handover_participant)
        dashboard_sections.register("waiting", sections.waiting)
        dashboard_sections.register("en_route", sections.en_route)

        from groupware.approval.seed import seed_institution
        from suite.demo import register_seed

        register_seed("approval", seed_institution)
