from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "groupware.schedule"
    label = "schedule"
    verbose_name = "일정"

    def ready(self) -> None:
        from accounts.handover import handover_participants
        from groupware.approval.public import leave_approved, leave_cancelled
        from groupware.schedule import receivers, services

        leave_approved.register("schedule.absence", receivers.leave_approved)
        leave_cancelled.register("schedule.absence", receivers.leave_cancelled)
        handover_participants.register("calendar", services.handover)

        from groupware.schedule.seed import seed_institution
        from suite.demo import register_seed

        register_seed("schedule", seed_institution)
