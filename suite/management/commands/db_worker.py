"""`manage.py db_worker`: django-tasks-db's worker, made to survive (suite/worker.py).

Same options as the package's command; this one wins because ``suite`` is listed before
``django_tasks_db`` in INSTALLED_APPS. It reconnects after a database outage instead of
exiting, keeps a heartbeat, and queues again the tasks that dead workers left RUNNING.
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as PackageCommand
from django_tasks_db.management.commands.db_worker import logger

from suite.worker import ResilientWorker


class Command(PackageCommand):
    help = (
        "Run the background task worker (reconnects after outages, hands over dead workers' tasks)."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning(
                "--reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
