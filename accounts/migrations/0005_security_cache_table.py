"""The table of the "security" cache (log-in throttling, suite/settings/base.py): the same
layout ``createcachetable`` makes, created here so every database has it."""

from django.db import migrations

FORWARD = """
CREATE TABLE IF NOT EXISTS suite_security_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS suite_security_cache_expires ON suite_security_cache (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_security_and_privacy")]

    operations = [migrations.RunSQL(FORWARD, "DROP TABLE IF EXISTS suite_security_cache;")]
