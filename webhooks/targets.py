"""Which URLs a webhook may target: never this host's or a private network's (SSRF), unless the setting
WEBHOOK_ALLOW_PRIVATE_TARGETS says so (the demo). Checked at create/update and again before every send,
since a name can resolve elsewhere later."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(ValueError):
    pass


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_target(url: str) -> None:
    """Raise TargetRefused (its message is for the user) when `url` may not be sent to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Enter an http or https URL with a host name.")
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False):
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        raise TargetRefused(f"The host {parts.hostname} does not resolve.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if _forbidden(address):
            raise TargetRefused(
                f"The host {parts.hostname} resolves to {address}, a loopback, private, link-local, multicast "
                "or reserved address; webhooks may only target public addresses."
            )
