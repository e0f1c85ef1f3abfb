"""TRUNCATE of the access records is refused only while the table holds rows: restoring an
institution from an archive empties a freshly cloned (empty) schema before loading it."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION privacy_access_guard() RETURNS trigger AS $$
DECLARE
  has_rows boolean;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
      INTO has_rows;
    IF has_rows THEN
      RAISE EXCEPTION 'privacy: access records cannot be changed (TRUNCATE)'
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.at > now() - interval '730 days' THEN
      RAISE EXCEPTION 'privacy: access record % is kept for two years', OLD.seq
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'privacy: access records cannot be changed (%)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION privacy_access_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.at > now() - interval '730 days' THEN
      RAISE EXCEPTION 'privacy: access record % is kept for two years', OLD.seq
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'privacy: access records cannot be changed (%)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_access_record_guard")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
