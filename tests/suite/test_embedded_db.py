"""The embedded database forgets handles of processes that died without cleaning up."""

import json
import os
import subprocess
import sys

from suite import embedded_db


def test_dead_handles_are_dropped(tmp_path, monkeypatch):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    monkeypatch.setattr(embedded_db, "PGDATA", tmp_path)
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), dead_pid]))
    embedded_db._forget_dead_handles()
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]


def test_database_url_prefers_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/suite")
    assert embedded_db.database_url() == "postgres://u:p@db.example:5432/suite"


def test_a_half_written_handle_file_is_repaired(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_db, "PGDATA", tmp_path)
    (tmp_path / ".handle_pids.json").write_text("[123")
    embedded_db._forget_dead_handles()
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == []
