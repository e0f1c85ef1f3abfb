"""Database guards for the registers and disposal.

- An approved document changes only its PDF (once) — or, once, when it is disposed of
  (폐기): ``disposed_at`` is set and its text (body, form data) and PDF are cleared.
- Versions stay append-only, except that a disposed document's versions lose their text.
- Recipients (수신자) of an approved document are frozen like its line.
- Register rows (기록물 등록대장) are never deleted; only the retention (연장) and the
  disposal time (once) change. Disposal decisions are append-only.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION approval_document_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'approval: document % is on record and cannot be deleted', OLD.id
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state = 'approved' THEN
    IF OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL THEN
      IF (to_jsonb(NEW) - 'pdf' - 'updated_at' - 'body' - 'form_data' - 'disposed_at')
           IS DISTINCT FROM (to_jsonb(OLD) - 'pdf' - 'updated_at' - 'body' - 'form_data' - 'disposed_at')
         OR NEW.body <> '' OR NEW.pdf <> '' OR NEW.form_data <> '{}'::jsonb THEN
        RAISE EXCEPTION 'approval: disposing of document % only clears its text', OLD.id
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - 'pdf' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'pdf' - 'updated_at')
       OR (OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf)
       OR (OLD.disposed_at IS NOT NULL AND NEW.pdf <> '') THEN
      RAISE EXCEPTION 'approval: approved document % is immutable', OLD.id
        USING ERRCODE = 'restrict_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION approval_version_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (to_jsonb(NEW) - 'body') = (to_jsonb(OLD) - 'body')
     AND NEW.body = ''
     AND EXISTS (SELECT 1 FROM approval_document d
                 WHERE d.id = NEW.document_id AND d.disposed_at IS NOT NULL) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'approval: % rows are append-only', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS approval_version_append_only ON approval_documentversion;
CREATE TRIGGER approval_version_append_only BEFORE UPDATE OR DELETE ON approval_documentversion
  FOR EACH ROW EXECUTE FUNCTION approval_version_guard();

CREATE TRIGGER approval_recipient_guard BEFORE INSERT OR UPDATE OR DELETE ON approval_documentrecipient
  FOR EACH ROW EXECUTE FUNCTION approval_child_guard();

CREATE OR REPLACE FUNCTION approval_register_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'approval: register rows are kept (%)', OLD.number
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - 'retention' - 'retention_until' - 'disposed_at')
       IS DISTINCT FROM (to_jsonb(OLD) - 'retention' - 'retention_until' - 'disposed_at')
     OR (OLD.disposed_at IS NOT NULL AND (
           NEW.disposed_at IS DISTINCT FROM OLD.disposed_at
           OR NEW.retention IS DISTINCT FROM OLD.retention)) THEN
    RAISE EXCEPTION 'approval: register row % changes only its retention or disposal', OLD.number
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER approval_register_guard BEFORE UPDATE OR DELETE ON approval_registerentry
  FOR EACH ROW EXECUTE FUNCTION approval_register_guard();
CREATE TRIGGER approval_disposal_append_only BEFORE UPDATE OR DELETE ON approval_disposaldecision
  FOR EACH ROW EXECUTE FUNCTION approval_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS approval_disposal_append_only ON approval_disposaldecision;
DROP TRIGGER IF EXISTS approval_register_guard ON approval_registerentry;
DROP FUNCTION IF EXISTS approval_register_guard();
DROP TRIGGER IF EXISTS approval_recipient_guard ON approval_documentrecipient;
DROP TRIGGER IF EXISTS approval_version_append_only ON approval_documentversion;
CREATE TRIGGER approval_version_append_only BEFORE UPDATE OR DELETE ON approval_documentversion
  FOR EACH ROW EXECUTE FUNCTION approval_append_only();
DROP FUNCTION IF EXISTS approval_version_guard();
CREATE OR REPLACE FUNCTION approval_document_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'approval: document % is on record and cannot be deleted', OLD.id
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state = 'approved' THEN
    IF (to_jsonb(NEW) - 'pdf' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'pdf' - 'updated_at')
       OR (OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf) THEN
      RAISE EXCEPTION 'approval: approved document % is immutable', OLD.id
        USING ERRCODE = 'restrict_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("approval", "0005_registers_backfill")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
