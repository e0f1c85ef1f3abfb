from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "groupware.schedule"
    label = "schedule"
    verbose_name = "일정"
