"""`/healthz`, for a load balancer: 200 while this server reaches the database, its caches and
the task queue, 503 naming the part that fails (articles/health.py). Open to all (reading
closed or not), never cached, and it tells nothing private: states and counts."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles import health


@login_not_required
@never_cache
@require_GET
def healthz(request):
    healthy, report = health.report()
    return JsonResponse(report, status=200 if healthy else 503)
