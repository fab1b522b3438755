"""Sign-in: the browser's session login and the API's expiring, hashed tokens (django-rest-knox)."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from vendorrisk.core.api_base import Serializer

from .core.schema import ErrorSerializer


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this once a username/IP has failed too often: 429 with Retry-After."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = f"Too many failed sign-in attempts. Try again in {retry_after // 60} minutes."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/login.html", {"lockout_message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LockoutHandler(AxesDatabaseHandler):
    """django-axes with two limits: failures of one username from one IP (AXES_FAILURE_LIMIT) and of any
    usernames from one IP (AXES_IP_FAILURE_LIMIT), so guessing across many usernames is locked out too.

    AXES_LOCKOUT_PARAMETERS lists the two sets in that order; axes compares the highest count with one
    limit, so the per-IP count is scaled: it reaches AXES_FAILURE_LIMIT exactly when it reaches the IP limit.
    A successful sign-in clears only that username's failures from that IP, never the whole IP's.
    """

    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if not counts:
            return 0
        user_limit, ip_limit = settings.AXES_FAILURE_LIMIT, max(1, settings.AXES_IP_FAILURE_LIMIT)
        per_user = counts[0]
        per_ip = max(counts[1:], default=0) * user_limit // ip_limit
        return max(per_user, per_ip)

    def reset_user_attempts(self, request, credentials=None) -> int:
        attempts = self.filter_user_attempts(request, credentials)[:1]  # username + IP only
        return sum(qs.delete()[0] for qs in attempts)


class TokenRequestSerializer(Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange a username and password for an API token (10 h lifetime, stored hashed)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="username or password missing"),
            401: OpenApiResponse(ErrorSerializer, description="Wrong username or password"),
            429: OpenApiResponse(
                ErrorSerializer, description="Locked out after repeated failures, or throttled"
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            return lockout_response(request._request)
        if user is None or not user.is_active:
            return Response({"detail": "Wrong username or password."}, status=status.HTTP_401_UNAUTHORIZED)
        instance, token = AuthToken.objects.create(user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(KnoxLogoutView):
    """Revoke the token this request was made with."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The token is revoked")})
    def post(self, request, format=None):
        return super().post(request, format)
