from django.apps import AppConfig


class ApprovalConfig(AppConfig):
    name = "groupware.approval"
    label = "approval"
    verbose_name = "전자결재"
