"""One HTTP attempt of a delivery, per the Standard Webhooks specification (DESIGN.md section 8)."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .pinned import pinned_session
from .targets import TargetRefused, resolve_target

SECRET_PREFIX = "whsec_"
TIMEOUT = (5, 10)  # seconds: connect, read
MAX_RETRY_AFTER = 8 * 3600
VERIFY = True  # requests' `verify`: the system's certificate authorities


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def body_of(event_type: str, occurred_at, cut: dict) -> str:
    """The JSON body: type, timestamp (ISO 8601 UTC) and the event cut for the webhook's owner."""
    data = {
        "event_id": cut["id"],
        "object_type": cut["object_type"],
        "object_id": cut["object_id"],
        "labs": cut["labs"],
        **cut["data"],
    }
    stamp = occurred_at.astimezone(UTC)
    payload = {"type": event_type, "timestamp": stamp.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"))


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    response_code: int | None
    duration_ms: int
    error: str
    retry_after: int | None  # seconds the target asked us to wait, capped


def parse_retry_after(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            seconds = int((parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError, OverflowError):
            return None
    return max(0, min(seconds, MAX_RETRY_AFTER))


def post(url: str, secret: str, msg_id: str, body: str) -> Outcome:
    """POST once: no redirects followed, short timeouts; any non-2xx, timeout or error is a failure."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = resolve_target(url)
    except TargetRefused as exc:
        return Outcome(False, None, 0, f"Refused: {exc}", None)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "vendorrisk-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }
    # Connect to the address just checked, not to what a second lookup of the host would answer.
    session = pinned_session(target.address) if target.address else requests.Session()
    try:
        with session:
            response = session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
                verify=VERIFY,
            )
    except requests.Timeout:
        return Outcome(False, None, elapsed(), "Timed out.", None)
    except requests.RequestException as exc:
        return Outcome(False, None, elapsed(), f"Connection error: {type(exc).__name__}.", None)
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(True, code, elapsed(), "", None)
    return Outcome(
        False, code, elapsed(), f"HTTP {code}.", parse_retry_after(response.headers.get("Retry-After"))
    )
