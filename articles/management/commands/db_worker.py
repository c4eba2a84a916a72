"""django-tasks-db's `db_worker`, which also ends the jobs of workers that are gone: at start,
then every third of `PARALLAX_JOB_LEASE` seconds while it runs (articles/jobs.py)."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from articles.jobs import reap

logger = logging.getLogger("django_tasks_db")


class Command(db_worker.Command):
    help = db_worker.Command.help + ", ending jobs whose worker was killed."

    def handle(self, **options):
        self._reap()
        threading.Thread(target=self._reap_forever, name="job reaper", daemon=True).start()
        super().handle(**options)

    def _reap_forever(self):
        stop = threading.Event()
        while not stop.wait(settings.PARALLAX_JOB_LEASE / 3):
            self._reap()

    def _reap(self):
        try:
            if ended := reap():
                logger.warning("Ended %d job(s) whose task worker was gone.", ended)
        except DatabaseError:
            logger.exception("Could not look for jobs whose worker was gone; trying again later")
        finally:
            connection.close()
