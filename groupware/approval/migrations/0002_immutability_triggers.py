"""Database guards: approved documents, their line, versions, attachments and the
history never change (core PostgreSQL triggers; services refuse first)."""

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
    IF (to_jsonb(NEW) - 'pdf' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'pdf' - 'updated_at')
       OR (OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf) THEN
      RAISE EXCEPTION 'approval: approved document % is immutable', OLD.id
        USING ERRCODE = 'restrict_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION approval_child_guard() RETURNS trigger AS $$
DECLARE
  doc_id bigint;
  doc_state text;
BEGIN
  IF TG_OP = 'DELETE' THEN doc_id := OLD.document_id; ELSE doc_id := NEW.document_id; END IF;
  SELECT state INTO doc_state FROM approval_document WHERE id = doc_id;
  IF doc_state = 'approved' THEN
    RAISE EXCEPTION 'approval: % of approved document % cannot change', TG_TABLE_NAME, doc_id
      USING ERRCODE = 'restrict_violation';
  END IF;
  -- Deleting is only for the editable line of a draft; acted steps stay on record.
  IF TG_OP = 'DELETE' AND doc_state IS NOT NULL AND (
       doc_state NOT IN ('draft', 'returned', 'recalled')
       OR (TG_TABLE_NAME = 'approval_step' AND (to_jsonb(OLD) ->> 'status') <> 'waiting')) THEN
    RAISE EXCEPTION 'approval: % of document % is on record and cannot be deleted', TG_TABLE_NAME, doc_id
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION approval_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'approval: % rows are append-only', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION approval_stamp_once() RETURNS trigger AS $$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- a cc reader not yet read may be taken off a draft that is still being edited
    IF TG_TABLE_NAME = 'approval_reader' AND (to_jsonb(OLD) ->> 'read_at') IS NULL AND EXISTS (
         SELECT 1 FROM approval_document d
         WHERE d.id = (to_jsonb(OLD) ->> 'document_id')::bigint
           AND d.state IN ('draft', 'returned', 'recalled')) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'approval: % rows are kept on record', TG_TABLE_NAME
      USING ERRCODE = 'restrict_violation';
  END IF;
  -- the only change allowed: setting the time stamp once
  IF (to_jsonb(OLD) ->> col) IS NOT NULL
     OR (to_jsonb(NEW) - col) IS DISTINCT FROM (to_jsonb(OLD) - col) THEN
    RAISE EXCEPTION 'approval: % rows only get their % stamped once', TG_TABLE_NAME, col
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER approval_document_guard BEFORE UPDATE OR DELETE ON approval_document
  FOR EACH ROW EXECUTE FUNCTION approval_document_guard();
CREATE TRIGGER approval_step_guard BEFORE INSERT OR UPDATE OR DELETE ON approval_step
  FOR EACH ROW EXECUTE FUNCTION approval_child_guard();
CREATE TRIGGER approval_attachment_guard BEFORE INSERT OR UPDATE OR DELETE ON approval_attachment
  FOR EACH ROW EXECUTE FUNCTION approval_child_guard();
CREATE TRIGGER approval_leave_guard BEFORE INSERT OR UPDATE OR DELETE ON approval_leaverequest
  FOR EACH ROW EXECUTE FUNCTION approval_child_guard();
CREATE TRIGGER approval_version_append_only BEFORE UPDATE OR DELETE ON approval_documentversion
  FOR EACH ROW EXECUTE FUNCTION approval_append_only();
CREATE TRIGGER approval_event_append_only BEFORE UPDATE OR DELETE ON approval_documentevent
  FOR EACH ROW EXECUTE FUNCTION approval_append_only();
CREATE TRIGGER approval_reader_stamp BEFORE UPDATE OR DELETE ON approval_reader
  FOR EACH ROW EXECUTE FUNCTION approval_stamp_once('read_at');
CREATE TRIGGER approval_post_report_stamp BEFORE UPDATE OR DELETE ON approval_postreport
  FOR EACH ROW EXECUTE FUNCTION approval_stamp_once('acknowledged_at');
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS approval_document_guard ON approval_document;
DROP TRIGGER IF EXISTS approval_step_guard ON approval_step;
DROP TRIGGER IF EXISTS approval_attachment_guard ON approval_attachment;
DROP TRIGGER IF EXISTS approval_leave_guard ON approval_leaverequest;
DROP TRIGGER IF EXISTS approval_version_append_only ON approval_documentversion;
DROP TRIGGER IF EXISTS approval_event_append_only ON approval_documentevent;
DROP TRIGGER IF EXISTS approval_reader_stamp ON approval_reader;
DROP TRIGGER IF EXISTS approval_post_report_stamp ON approval_postreport;
DROP FUNCTION IF EXISTS approval_document_guard();
DROP FUNCTION IF EXISTS approval_child_guard();
DROP FUNCTION IF EXISTS approval_append_only();
DROP FUNCTION IF EXISTS approval_stamp_once();
"""


class Migration(migrations.Migration):
    dependencies = [("approval", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
