"""/health/: database and cache always, the broker when one is configured.

Anyone (load balancers, `scripts/healthcheck.py`) gets a bare status: `{"status": "ok"}` with 200, or
`{"status": "unavailable"}` with 503. Only a signed-in admin gets the components, their errors and timings
(django-health-check's page, JSON, text or feed, by `Accept` or `?format=`).
"""

import asyncio

from django.conf import settings
from django.http import JsonResponse
from health_check.views import HealthCheckView

from .core.roles import Role, user_role


def health_checks() -> list:
    checks: list = ["health_check.checks.Database", "health_check.checks.Cache"]
    if settings.REDIS_URL:
        from redis.asyncio import Redis

        url = settings.REDIS_URL
        checks.append(("health_check.contrib.redis.Redis", {"client_factory": lambda: Redis.from_url(url)}))
    return checks


class HealthView(HealthCheckView):
    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        if user_role(user) == Role.ADMIN:
            response = await super().get(request, *args, **kwargs)
            if response.status_code == 500:
                response.status_code = 503
            return response
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        if any(result.error for result in results):
            return JsonResponse({"status": "unavailable"}, status=503)
        return JsonResponse({"status": "ok"})


def health_view():
    return HealthView.as_view(checks=health_checks())
