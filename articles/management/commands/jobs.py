"""List the background jobs (imports and re-matches) that have not finished, with their worker
and how long ago it last beat, and the task worker queue; `--reap` ends those whose worker is
gone now instead of waiting for a worker or a page to notice."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.jobs import reap
from articles.models import BackgroundJob


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--reap", action="store_true", help="End jobs whose worker is gone.")

    def handle(self, *args, **options):
        if options["reap"]:
            self.stdout.write(f"ended {reap()} job(s) whose worker was gone")
        now = timezone.now()
        kinds = [m for m in apps.get_models() if issubclass(m, BackgroundJob)]
        for model in kinds:
            for job in model.objects.unfinished().select_related("story"):
                beat = f"beat {(now - job.heartbeat_at).total_seconds():.0f} s ago"
                self.stdout.write(
                    f"{model.__name__} {job.pk} {job.status:<8} {job.story.slug}  "
                    + (f"{job.worker}, {beat}" if job.heartbeat_at else "not started")
                )
        tasks = DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"])
        for task in tasks.order_by("enqueued_at"):
            workers = ", ".join(task.worker_ids) or "no worker yet"
            self.stdout.write(f"task {task.id} {task.status:<8} {task.task_name}  {workers}")
