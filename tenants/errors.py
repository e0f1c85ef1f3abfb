"""Lifecycle errors with their codes and Korean messages (as data tests reuse)."""

MESSAGES = {
    "template_missing": "템플릿 스키마가 없습니다. 먼저 `manage.py migrate_schemas`를 실행해 주세요.",
    "template_outdated": (
        "템플릿 스키마가 최신 마이그레이션보다 뒤처져 있어 복제할 수 없습니다. "
        "먼저 `manage.py migrate_schemas`를 실행해 주세요."
    ),
    "invite_not_queued": "초대 메일을 발송 대기열에 넣지 못해 기관을 만들지 않았습니다. 잠시 후 다시 시도해 주세요.",
    "schema_failed": "기관의 데이터 공간(스키마)을 만들지 못해 기관을 만들지 않았습니다.",
    "illegal_transition": "'%(current)s' 상태의 기관은 '%(target)s' 상태로 바꿀 수 없습니다.",
    "export_required": (
        "내보내기 기록이 없는 기관은 삭제할 수 없습니다. 먼저 내보내기를 하거나 강제 삭제를 선택해 주세요."
    ),
    "archive_invalid": "올바른 기관 보관 파일이 아닙니다: %(detail)s",
    "archive_newer": (
        "이 보관 파일은 더 새로운 버전에서 만들어져 가져올 수 없습니다 (모르는 마이그레이션: %(missing)s)."
    ),
    "import_mismatch": "가져온 행 수가 보관 파일과 다릅니다: %(detail)s",
    "schema_gone": "이 기관의 데이터는 이미 영구 삭제되었습니다.",
}


class LifecycleError(Exception):
    """A refused lifecycle operation; ``code`` is stable, ``message`` is for people."""

    code = "lifecycle_error"

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        template = MESSAGES[code]
        self.message = template % params if params else template
        super().__init__(self.message)


class ProvisioningError(LifecycleError):
    """Creating a schema (or what goes with it) failed; nothing was kept."""
