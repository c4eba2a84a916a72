"""List the background jobs (imports and re-matches) that have not finished, with their worker,
how long ago it last beat, whether it looks lost (no beat for the whole lease) and which
attempt it is (a job whose worker was lost is queued again, `PARALLAX_JOB_ATTEMPTS`); the
workers that run them; and the task queue. `--reap` queues again or ends those whose worker
is gone now instead of waiting for a worker or a page to notice. Run it on any server: it
reads the database."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.jobs import attempts_of, job_models, reap
from articles.models import JobStatus


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--reap", action="store_true", help="Retry or end jobs whose worker is gone."
        )

    def handle(self, *args, **options):
        if options["reap"]:
            self.stdout.write(f"queued again or ended {reap()} job(s) whose worker was gone")
        now = timezone.now()
        lease, allowed = settings.PARALLAX_JOB_LEASE, settings.PARALLAX_JOB_ATTEMPTS
        beats: dict[str, list] = {}
        for model in job_models():
            lost = set(model.objects.stale().values_list("pk", flat=True))
            jobs = list(model.objects.unfinished().select_related("story"))
            tried = attempts_of(jobs)
            for job in jobs:
                line = f"{model.__name__} {job.pk} {job.status:<8} {job.story.slug}  "
                if job.status == JobStatus.RUNNING and job.heartbeat_at:
                    age = (now - job.heartbeat_at).total_seconds()
                    beats.setdefault(job.worker, []).append(age)
                    line += f"{job.worker}, beat {age:.0f} s ago"
                    if job.pk in lost:
                        line += f", LOST: no beat for the {lease} s lease"
                elif job.status == JobStatus.RUNNING:
                    line += "its chunks are importing"
                else:
                    line += f"not started, queued {(now - job.created_at).total_seconds():.0f} s"
                if job.task_id:
                    line += f"; attempts {tried.get(job.task_id, 0)} of {allowed}"
                self.stdout.write(line)
        for worker, ages in sorted(beats.items()):
            state = "looks lost" if min(ages) > lease else "alive"
            self.stdout.write(
                f"worker {worker}: {len(ages)} job(s), last beat {min(ages):.0f} s ago, {state}"
            )
        if not beats:
            self.stdout.write("no job running: idle workers do not beat, none can be listed")
        tasks = DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"])
        for task in tasks.order_by("enqueued_at"):
            workers = ", ".join(task.worker_ids) or "no worker yet"
            since = task.started_at or task.enqueued_at
            self.stdout.write(
                f"task {task.id} {task.status:<8} {task.task_name}  {workers}, "
                f"{'started' if task.started_at else 'queued'} "
                f"{(now - since).total_seconds():.0f} s ago"
            )
