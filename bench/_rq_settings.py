"""Parallax's settings with the task queue on django-tasks-rq (Redis) instead of
django-tasks-db, for bench/queues_engines.py only: `REDIS_URL` (default
redis://127.0.0.1:6379/5) names the Redis database the queue uses."""

import os

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")}}
