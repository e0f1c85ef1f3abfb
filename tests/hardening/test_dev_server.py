"""`make run` (manage.py serve: the threaded development server and a supervised task
worker) under a burst: connections come from a bounded pool and go back to it, so the
database is never exhausted and the next burst is served too; a worker that dies is
started again."""

import threading
import uuid

import psutil
import pytest

from tests.hardening.conftest import (
    BASE_DIR,
    Live,
    connections_of,
    free_port,
    suite_env,
    wait_for,
)

POOL = 3
BURST = 40


@pytest.fixture(scope="module")
def make_run(module_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("make-run")
    app_name = f"suite-dev-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = suite_env(
        tmp,
        settings_module="suite.settings.dev",
        app_name=app_name,
        SUITE_PORT=port,
        DB_POOL_MAX_SIZE=POOL,
        DB_POOL_MIN_SIZE=1,
    )
    server = Live(
        argv=[
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "manage.py",
            "serve",
            "--no-seed",
            "--addrport",
            f"127.0.0.1:{port}",
        ],
        env=env,
        port=port,
        app_name=app_name,
        log=tmp / "serve.log",
    )
    server.start(timeout=240)
    try:
        yield server
    finally:
        server.stop()


def _burst(server, host: str) -> list[int]:
    codes: list = [None] * BURST
    start = threading.Barrier(BURST)

    def one(index):
        try:
            start.wait(timeout=30)
            codes[index] = server.request("GET", "/", host=host, timeout=60).status
        except Exception as error:  # noqa: BLE001
            codes[index] = repr(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return codes


def test_bursts_never_exhaust_the_database(make_run, module_db):
    from tenants.models import Institution

    host = Institution.objects.get(slug="testa").primary_host
    first = _burst(make_run, host)
    assert first == [200] * BURST, first
    # The web process holds at most its pool (and the worker at most its own).
    assert connections_of(make_run.app_name) <= 2 * POOL
    second = _burst(make_run, host)
    assert second == [200] * BURST, second
    assert connections_of(make_run.app_name) <= 2 * POOL


def _worker_of(server) -> psutil.Process | None:
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if "db_worker" in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def test_make_run_restarts_a_worker_that_dies(make_run):
    worker = wait_for(lambda: _worker_of(make_run), timeout=30)
    assert worker is not None, make_run.tail()
    worker.kill()
    worker.wait(timeout=10)
    successor = wait_for(
        lambda: (w := _worker_of(make_run)) is not None and w.pid != worker.pid and w, timeout=30
    )
    assert successor, make_run.tail()
    assert "작업 워커가 종료되었습니다" in make_run.tail()
    assert make_run.process.poll() is None
