"""Faults under production-style load: the database restarted mid-load, and the task
worker killed mid-task. Both on a cluster and a stack of the benchmark's own."""

import asyncio
import json
import re
import time
from pathlib import Path

from bench.common import figure, ms, query, worker
from bench.traffic import mixed_traffic, production_world

TITLE = "Faults: the database restarted mid-load, the task worker killed mid-task"
HANG = 3.0  # seconds: an answer slower than this during the outage counts as a hang
DEAD_AFTER = 10  # the worker hands over a dead worker's task after this (production: 60 s)
LEASE = 8  # an outbox row claimed by a dead worker is sent again after this (production: 300 s)
MAIL_DELAY = 4  # seconds the slow mail server (bench/mail.py) takes

# Where the worker is killed: (subject tag, task, what the figure says, messages expected).
KILLS = {
    "before": (
        "suite.tasks.send_email",
        "worker killed while connecting to the mail server (nothing handed over)",
        "exactly 1",
    ),
    "after": (
        "bench.mail.send_then_linger",
        "worker killed after the outbox recorded the message sent, before the task finished",
        "exactly 1",
    ),
    "handover": (
        "suite.tasks.send_email",
        "worker killed after the mail server took the message, before the worker heard back",
        "1, or 2 under one Message-ID (SMTP's window)",
    ),
}


def add_arguments(group) -> None:
    group.add_argument("--fault-down", type=float, default=6, help="seconds the database is down")
    group.add_argument("--fault-users", type=int, default=8, help="concurrent users during faults")


# --- the database restart ------------------------------------------------------------


def clean_refusal(sample) -> bool:
    """What a client may be told while the database is away: a 503 page or the API
    error shape, and nothing that leaks the inside (no traceback, no driver name)."""
    if sample.status != 503:
        return False
    body = sample.body
    if re.search(r"Traceback|psycopg|OperationalError|File \"", body):
        return False
    if body.lstrip().startswith("{"):
        try:
            error = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            return False
        return {"code", "message"} <= set(error)
    return "<html" in body.lower() or "<!doctype" in body.lower()


def restart_under_load(world, *, down: float, users: int, quick: bool) -> dict:
    before, after = (6, 14) if quick else (10, 20)
    total = before + down + after
    marks = {}

    async def scenario():
        stop, ready = asyncio.Event(), asyncio.Event()
        traffic = asyncio.create_task(
            mixed_traffic(
                world,
                seconds=total,
                concurrency=users,
                max_requests=50000,
                seed=7,
                stop=stop,
                ready=ready,
                timeout=HANG * 3,
            )
        )
        await ready.wait()
        await asyncio.sleep(before)
        marks["down"] = time.time()
        await asyncio.to_thread(world.cluster.stop, "fast")
        marks["stopped"] = time.time()
        await asyncio.sleep(down)
        marks["starting"] = time.time()
        await asyncio.to_thread(world.cluster.start)
        marks["up"] = time.time()
        return await traffic

    print(f"· {users} users; database stopped after {before} s for {down:.0f} s", flush=True)
    samples = asyncio.run(scenario())
    # Keep what a client saw with each answer to judge it (bodies kept for non-2xx).
    during = [
        s for s in samples if marks["down"] <= s.started + s.seconds and s.started <= marks["up"]
    ]
    refused = [s for s in during if s.status >= 500 or s.status == 0]
    unclean = [s for s in refused if not clean_refusal(s)]
    hangs = [s for s in during if s.seconds > HANG]
    after_up = sorted((s for s in samples if s.started >= marks["up"]), key=lambda s: s.started)
    first_ok = next((s for s in after_up if 0 < s.status < 500), None)
    failures_after = [s for s in after_up if s.status >= 500 or s.status == 0]
    last_failure = max((s.started + s.seconds for s in failures_after), default=marks["up"])
    outside = [
        s
        for s in samples
        if (s.started + s.seconds < marks["down"] or s.started > last_failure)
        and (s.status >= 500 or s.status == 0)
    ]
    statuses = {}
    for s in during:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    # Asked and answered while the server was certainly down: after the stop returned,
    # before the start command (pg_ctl start -w returns a while after the server is up).
    down_only = [
        s
        for s in during
        if s.started >= marks["stopped"] and s.started + s.seconds <= marks["starting"]
    ]
    down_statuses: dict = {}
    for s in down_only:
        # an answer other than 503 while the server is down: say which kind of request
        key = s.status if s.status == 503 else f"{s.status} {s.kind}"
        down_statuses[key] = down_statuses.get(key, 0) + 1
    return {
        "requests": len(samples),
        "during": len(during),
        "during_statuses": statuses,
        "down_statuses": down_statuses,
        "refused": len(refused),
        "unclean": len(unclean),
        "unclean_example": (unclean[0].body[:500] or unclean[0].error) if unclean else "",
        "unclean_statuses": sorted({s.status for s in unclean}),
        "hangs": len(hangs),
        "slowest_during_ms": ms(max((s.seconds for s in during), default=0)),
        "first_ok_after_up_s": (first_ok.started + first_ok.seconds - marks["up"])
        if first_ok
        else None,
        "recovered_after_s": last_failure - marks["up"],
        "failures_after_up": len(failures_after),
        "errors_outside_outage": len(outside),
        "stop_seconds": marks["stopped"] - marks["down"],
        "down_seconds": marks["up"] - marks["down"],
        "bookings": sum(1 for s in samples if s.kind == "booking"),
    }


# --- the task worker killed mid-task ---------------------------------------------------


def _messages(mail_dir: Path, subject: str) -> list[str]:
    """The Message-ID of every message with ``subject`` in the file backend's folder."""
    ids = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if f"Subject: {subject}" in chunk:
                found = re.search(r"(?im)^Message-ID: *(\S+)", chunk)
                ids.append(found.group(1) if found else "")
    return ids


def kill_mid_task(world, *, where: str) -> dict:
    """Queue an e-mail whose sending is slow at ``where`` (bench/mail.py), SIGKILL the task
    worker there, and count the messages that reach the mail folder once the task has
    been handed over and its outbox row is sent."""
    task_path = KILLS[where][0]
    # ASCII only, so the subject stays readable in the message file (no MIME encoding).
    subject = f"[bench-slow:{where}] booking notice {time.time_ns()}"
    queued = worker(world.env, "enqueue_mail", subject, task_path)
    task_id = queued["id"]
    table = "django_tasks_database_dbtaskresult"  # django-tasks-db's app label
    # Kill where it hurts: the outbox row claimed and the mail server being talked to
    # (before, handover), or the row already recorded sent (after).
    wanted = "sent" if where == "after" else "sending"
    started = time.time()
    while time.time() - started < 90:
        rows = query(
            world.url, "SELECT status FROM notifications_delivery WHERE subject = %s", [subject]
        )
        if rows and rows[0][0] == wanted:
            break
        time.sleep(0.05)
    if wanted == "sending":
        time.sleep(min(1.0, MAIL_DELAY / 3))  # inside the slow part
    killed = world.stack.kill_worker()
    killed_at = time.time()
    final = outbox = None
    while time.time() - killed_at < DEAD_AFTER * 6 + 30:
        row = query(world.url, f"SELECT status FROM {table} WHERE id = %s", [task_id])[0]
        rows = query(
            world.url,
            "SELECT status, attempts FROM notifications_delivery WHERE subject = %s",
            [subject],
        )
        outbox = rows[0] if rows else None
        if row[0] in ("SUCCESSFUL", "FAILED") and outbox and outbox[0] != "sending":
            final = row[0]
            break
        time.sleep(0.5)
    done_at = time.time()
    time.sleep(1)
    ids = _messages(Path(world.env["EMAIL_FILE_PATH"]), subject)
    return {
        "where": where,
        "killed_pid": killed,
        "final_state": final or "still RUNNING",
        "outbox_state": f"{outbox[0]}, {outbox[1]} attempts" if outbox else "no row",
        "seconds_to_finish": done_at - killed_at if final else None,
        "messages_sent": len(ids),
        "message_ids": len(set(ids)),
    }


def run(args) -> dict:
    extra = {
        "SUITE_WORKER_DEAD_AFTER": DEAD_AFTER,
        "SUITE_WORKER_HOUSEKEEPING": 2,
        "EMAIL_BACKEND": "bench.mail.SlowFileBackend",
        "BENCH_MAIL_DELAY": MAIL_DELAY,
        "NOTIFY_LEASE_SECONDS": LEASE,
    }
    with production_world("faults", workers=4, residents=12, extra_env=extra) as world:
        restart = restart_under_load(
            world, down=args.fault_down, users=args.fault_users, quick=args.quick
        )
        consistency = worker(world.env, "consistency")
        print("· task worker killed while sending (before, at and after the hand-over)", flush=True)
        kills = [kill_mid_task(world, where=w) for w in KILLS]
        restarts = world.stack.worker_restarts
    r = restart
    figures = [
        figure(
            "answers during the outage that were not a clean 503 page / API error",
            r["unclean"],
            target="0",
            met=r["unclean"] == 0,
            note=f"of {r['during']} requests in flight; {r['refused']} refused",
        ),
        figure(
            f"answers slower than {HANG:.0f} s during the outage",
            r["hangs"],
            target="0",
            met=r["hangs"] == 0,
            note=f"slowest {r['slowest_during_ms']:.0f} ms",
        ),
        figure(
            "first good answer after the database is back",
            r["first_ok_after_up_s"],
            "s",
            target="≤ 5 s",
            met=r["first_ok_after_up_s"] is not None and r["first_ok_after_up_s"] <= 5,
        ),
        figure(
            "last failed answer after the database is back",
            r["recovered_after_s"],
            "s",
            target="≤ 10 s",
            met=r["recovered_after_s"] <= 10,
        ),
        figure(
            "5xx / no answer outside the outage",
            r["errors_outside_outage"],
            target="0",
            met=r["errors_outside_outage"] == 0,
        ),
        figure(
            "half-written bookings, payments, approvals (checked afterwards)",
            consistency["problems"],
            target="0",
            met=consistency["problems"] == 0,
            note=f"{consistency['checked']} rows checked",
        ),
    ]
    for k in kills:
        _task, name, target = KILLS[k["where"]]
        sent = k["messages_sent"]
        once = sent == 1
        met = (sent in (1, 2) and k["message_ids"] == 1) if k["where"] == "handover" else once
        figures.append(
            figure(
                f"{name}: messages sent",
                sent,
                target=target,
                met=met,
                note=f"task {k['final_state']}, outbox row {k['outbox_state']}"
                + (
                    f", {k['seconds_to_finish']:.0f} s after the kill"
                    if k["seconds_to_finish"]
                    else ""
                ),
            )
        )
    return {
        "restart": restart,
        "consistency": consistency,
        "kills": kills,
        "worker_restarts": restarts,
        "figures": figures,
    }


def details(result: dict) -> str:
    r, c = result["restart"], result["consistency"]
    statuses = ", ".join(
        f"{k}×{v}" for k, v in sorted(r["during_statuses"].items(), key=lambda x: str(x[0]))
    )
    down = ", ".join(
        f"{k}×{v}" for k, v in sorted(r.get("down_statuses", {}).items(), key=lambda x: str(x[0]))
    )
    text = f"""**Database restart mid-load.** {r["requests"]:,} requests of mixed traffic (bench/traffic.py)
from {r["bookings"]:,} bookings to staff pages; the benchmark's own PostgreSQL cluster was
stopped with `pg_ctl stop -m fast` (took {r["stop_seconds"]:.1f} s) and started again
{r["down_seconds"]:.1f} s after the stop began. Requests in flight during the outage:
{r["during"]:,} ({statuses}; 0 = no answer); asked and answered between the stop's
return and the start command, while the server was certainly down: {sum(r.get("down_statuses", {}).values()):,} ({down}). The shared development and test cluster
is never touched: the benchmark runs on var/bench/faults.

Afterwards, in every institution schema: each reservation's status has the event that
led to it, its total matches its price lines, each paid reservation has its payment
event; each approved document has its number, approval time and a final approval
step; {c["checked"]:,} rows checked, {c["problems"]} problems.
"""
    if c.get("examples"):
        text += "\nProblems found:\n\n" + "\n".join(f"- {e}" for e in c["examples"][:10]) + "\n"
    if r["unclean_example"]:
        text += f"\nAn unclean answer during the outage (status {r['unclean_statuses']}):\n\n```\n{r['unclean_example']}\n```\n"
    text += f"""
**Worker killed mid-task.** An e-mail goes through the notifications outbox (one row
per message, claimed with a lease, sent under the row's key as Message-ID); the mail
server takes {MAIL_DELAY} s (bench/mail.py). When the task is RUNNING, the worker process
is killed with SIGKILL and a new worker started (as systemd would). The task is handed
over once its worker has not beaten for {DEAD_AFTER} s (`SUITE_WORKER_DEAD_AFTER`, 60 s in
production); the outbox row is taken over once its lease ran out ({LEASE} s,
`NOTIFY_LEASE_SECONDS`, 300 s in production). Three places: while connecting to the mail
server (nothing handed over), after the outbox recorded the message sent (before the task
finished), and in SMTP's own window — the server has the message, the worker dies before
it hears back: SMTP cannot be asked what it accepted, so the heir sends it again under the
same Message-ID (mail clients show one; docs/deployment.md "E-mail"). The worker was
restarted {result["worker_restarts"]} times in all.

| killed | task afterwards | outbox row | messages sent | Message-IDs |
|---|---|---|---:|---:|
"""
    for k in result["kills"]:
        text += (
            f"| {KILLS[k['where']][1]} | {k['final_state']} | {k.get('outbox_state', '')} "
            f"| {k['messages_sent']} | {k.get('message_ids', '')} |\n"
        )
    return text
