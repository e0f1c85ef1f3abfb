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
HANG = 5.0  # seconds: an answer slower than this during the outage counts as a hang
DEAD_AFTER = 10  # the worker hands over a dead worker's task after this (production: 60 s)


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
    return {
        "requests": len(samples),
        "during": len(during),
        "during_statuses": statuses,
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


def kill_mid_task(world, *, where: str, delay: float) -> dict:
    """Queue an e-mail whose sending takes ``delay`` s (before or after the message is
    written), SIGKILL the task worker while it sends, and count the messages that
    reach the mail folder once the task has been handed over and finished."""
    # ASCII only, so the subject stays readable in the message file (no MIME encoding).
    subject = f"[bench-slow:{where}] booking notice {time.time_ns()}"
    queued = worker(world.env, "enqueue_mail", subject)
    task_id = queued["id"]
    table = "django_tasks_database_dbtaskresult"  # django-tasks-db's app label
    started = time.time()
    while time.time() - started < 60:
        state = query(world.url, f"SELECT status FROM {table} WHERE id = %s", [task_id])[0][0]
        if state == "RUNNING":
            break
        time.sleep(0.1)
    time.sleep(min(1.0, delay / 3))  # inside the slow part
    killed = world.stack.kill_worker()
    killed_at = time.time()
    final = None
    while time.time() - killed_at < DEAD_AFTER * 6 + 30:
        row = query(world.url, f"SELECT status, finished_at FROM {table} WHERE id = %s", [task_id])[
            0
        ]
        if row[0] in ("SUCCESSFUL", "FAILED"):
            final = row[0]
            break
        time.sleep(0.5)
    done_at = time.time()
    time.sleep(1)
    mail_dir = Path(world.env["EMAIL_FILE_PATH"])
    sent = sum(
        f.read_text(errors="replace").count(f"Subject: {subject}") for f in mail_dir.glob("*.log")
    )
    return {
        "where": where,
        "killed_pid": killed,
        "final_state": final or "still RUNNING",
        "seconds_to_finish": done_at - killed_at if final else None,
        "messages_sent": sent,
    }


def run(args) -> dict:
    extra = {
        "SUITE_WORKER_DEAD_AFTER": DEAD_AFTER,
        "SUITE_WORKER_HOUSEKEEPING": 2,
        "EMAIL_BACKEND": "bench.mail.SlowFileBackend",
        "BENCH_MAIL_DELAY": 4,
    }
    with production_world("faults", workers=4, residents=12, extra_env=extra) as world:
        restart = restart_under_load(
            world, down=args.fault_down, users=args.fault_users, quick=args.quick
        )
        consistency = worker(world.env, "consistency")
        print("· task worker killed while sending (before, then after the message)", flush=True)
        kills = [kill_mid_task(world, where=w, delay=4) for w in ("before", "after")]
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
        figure_name = (
            "worker killed before the e-mail was handed to the mail server: messages sent"
            if k["where"] == "before"
            else "worker killed after the e-mail was sent, before the task finished: messages sent"
        )
        figures.append(
            figure(
                figure_name,
                k["messages_sent"],
                target="exactly 1",
                met=k["messages_sent"] == 1,
                note=f"task {k['final_state']}"
                + (
                    f" {k['seconds_to_finish']:.0f} s after the kill"
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
    text = f"""**Database restart mid-load.** {r["requests"]:,} requests of mixed traffic (bench/traffic.py)
from {r["bookings"]:,} bookings to staff pages; the benchmark's own PostgreSQL cluster was
stopped with `pg_ctl stop -m fast` (took {r["stop_seconds"]:.1f} s) and started again
{r["down_seconds"]:.1f} s after the stop began. Requests in flight during the outage:
{r["during"]:,} ({statuses}; 0 = no answer). The shared development and test cluster
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
**Worker killed mid-task.** An e-mail task whose mail server takes 4 s
(bench/mail.py) is queued; when the task is RUNNING, the worker process is killed with
SIGKILL and a new worker started (as systemd would). The task is handed over once its
worker has not beaten for {DEAD_AFTER} s (`SUITE_WORKER_DEAD_AFTER`, 60 s in production).
Twice: killed while the message is being handed to the mail server, and killed after it
was sent but before the task was marked done. The worker was restarted
{result["worker_restarts"]} times in all.

| killed | task afterwards | messages sent |
|---|---|---:|
"""
    for k in result["kills"]:
        text += f"| {k['where']} the message was written | {k['final_state']} | {k['messages_sent']} |\n"
    return text
