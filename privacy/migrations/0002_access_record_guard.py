"""접속기록 are protected from change: no UPDATE, no TRUNCATE, and no DELETE of a row
younger than two years (the legal minimum), whatever the application asks."""

from django.db import migrations

FORWARD = r"""
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

CREATE TRIGGER privacy_access_guard BEFORE UPDATE OR DELETE ON privacy_accessrecord
  FOR EACH ROW EXECUTE FUNCTION privacy_access_guard();
CREATE TRIGGER privacy_access_no_truncate BEFORE TRUNCATE ON privacy_accessrecord
  FOR EACH STATEMENT EXECUTE FUNCTION privacy_access_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS privacy_access_guard ON privacy_accessrecord;
DROP TRIGGER IF EXISTS privacy_access_no_truncate ON privacy_accessrecord;
DROP FUNCTION IF EXISTS privacy_access_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
