"""Settings every new institution starts with (written at onboarding)."""

DEFAULT_SETTINGS = {
    "locale": {"language": "ko", "time_zone": "Asia/Seoul"},
    "booking": {"payment_deadline_hours": 48, "review_days": 3},
    "approval": {"number_format": "{dept}-{serial}"},
}


def apply_default_settings() -> None:
    """Create missing settings in the current schema; never overwrite."""
    from institution.models import Setting

    for key, value in DEFAULT_SETTINGS.items():
        Setting.objects.get_or_create(key=key, defaults={"value": value})
