"""Which URLs a webhook may target: never this host's or a private network's (SSRF), unless the setting
WEBHOOK_ALLOW_PRIVATE_TARGETS says so (the demo). Checked at create/update and again before every send,
since a name can resolve elsewhere later; the send then connects to the very address it checked
(`webhooks.pinned`), never to a second lookup's answer (DNS rebinding)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(ValueError):
    pass


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        not address.is_global  # shared (100.64/10), benchmarking and other special ranges too
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    url: str
    address: str | None  # the checked address to connect to; None: private targets allowed, not pinned


def resolve_target(url: str) -> Target:
    """Resolve `url`'s host once and check every address it has; raise TargetRefused (its message is for
    the user) when one may not be sent to. The first address is the one to connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Enter an http or https URL with a host name.")
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False):
        return Target(url, None)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        raise TargetRefused(f"The host {parts.hostname} does not resolve.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"The host {parts.hostname} does not resolve.")
    for address in addresses:
        if _forbidden(address):
            raise TargetRefused(
                f"The host {parts.hostname} resolves to {address}, a loopback, private, link-local, multicast "
                "or reserved address; webhooks may only target public addresses."
            )
    return Target(url, str(addresses[0]))


def check_target(url: str) -> None:
    """Raise TargetRefused (its message is for the user) when `url` may not be sent to."""
    resolve_target(url)
