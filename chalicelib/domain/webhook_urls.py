"""Where a webhook may point (SSRF): https, a public host, every address it resolves to global.

Checked twice: when an endpoint is created or its URL changed (a literal non-global address, or a name
resolving to one, is a 422), and before every delivery, on the addresses the delivery then connects to
(services/webhook_delivery.py pins the connection to a checked address: DNS rebinding between the check
and the connect cannot slip through). A name that does not resolve yet is accepted at creation; its
deliveries fail (`dns_unresolved`) and are logged.

Loopback `http://` receivers exist for tests and local mode only: `WEBHOOKS_ALLOW_LOOPBACK=1` in a `local`
stage. A deployed stage never has it (config refuses nothing here: the stage check is the guard, and
tests/infra proves infra never sets the variable).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK_SETTING = "WEBHOOKS_ALLOW_LOOPBACK"
MAX_URL_LENGTH = 2000


class RefusedUrl(ValueError):
    """A URL a webhook may not point at; the message says why, in plain words (never echoing it)."""


class Unresolved(LookupError):
    """The host name does not resolve (yet)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name (or literal address) as written, lowercased: the Host header and SNI
    port: int
    path: str  # path and query, as sent in the request line


def loopback_allowed() -> bool:
    """Only in local mode and tests, and only when asked for explicitly."""
    from chalicelib.config import settings

    return settings().is_local and os.environ.get(LOOPBACK_SETTING) == "1"


def _default_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unresolved(host) from None
    return sorted({str(info[4][0]) for info in found})


# The seam tests replace (no DNS on the build machine); production resolves through the system resolver.
resolver: Callable[[str, int], list[str]] = _default_resolver


def parse(url: str) -> Target:
    """The URL's parts, or RefusedUrl: https only (http to loopback in local mode), no credentials."""
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 0x20 for c in url):
        raise RefusedUrl("the URL is too long or holds spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedUrl("the URL cannot be read") from None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise RefusedUrl("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("the URL may not carry a user name or password")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback_allowed()):
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)
    raise RefusedUrl("webhook URLs must use https")


def literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002::/16), Teredo and NAT64 (64:ff9b::/96) addresses carry an
    IPv4 address a connection may end up at."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address, *, literal_loopback_ok: bool = False) -> str | None:
    """Why a delivery may not connect to `address`, or None when it may. Loopback passes only when the URL
    names a loopback address literally and the local setting is on: a host *name* resolving to loopback
    is refused even in local mode."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:  # an IPv6 form that reaches an IPv4 address: judge that address
        return refusal(embedded, literal_loopback_ok=literal_loopback_ok)
    if address.is_loopback and literal_loopback_ok and loopback_allowed():
        return None
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "an address that is not public (0.0.0.0 reaches this machine)"
    if address.is_link_local:
        return "a link-local address (such as the instance metadata service)"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_reserved or address.is_unspecified or not address.is_global:
        return "an address that is not public"
    return None


def check_addresses(addresses: list[str], *, literal_host: bool = False) -> list[Address]:
    """Every address must be allowed (one bad answer among good ones is enough to refuse)."""
    parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    if not parsed:
        raise Unresolved("no address")
    for address in parsed:
        why = refusal(address, literal_loopback_ok=literal_host)
        if why is not None:
            raise RefusedUrl(f"the host resolves to {why}")
    return parsed


def check_at_creation(url: str) -> Target:
    """For POST/PATCH: RefusedUrl when the URL or any address its host resolves to is not allowed; a
    name that does not resolve yet is accepted."""
    target = parse(url)
    address = literal(target.host)
    if address is not None:
        why = refusal(address, literal_loopback_ok=True)
        if why is not None:
            raise RefusedUrl(f"the URL points at {why}")
        if target.scheme == "http" and not address.is_loopback:
            raise RefusedUrl("webhook URLs must use https")
        return target
    if target.scheme == "http":
        raise RefusedUrl("webhook URLs must use https")  # plain http only to a literal loopback address
    with contextlib.suppress(Unresolved):  # not resolvable yet: accepted, its deliveries fail and are logged
        check_addresses(resolver(target.host, target.port))
    return target


def addresses_for_delivery(target: Target) -> list[Address]:
    """The checked addresses a delivery may connect to (Unresolved / RefusedUrl otherwise)."""
    address = literal(target.host)
    if address is not None:
        return check_addresses([str(address)], literal_host=True)
    return check_addresses(resolver(target.host, target.port))
