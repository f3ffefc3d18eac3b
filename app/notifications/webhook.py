"""The channel for SMS or Zalo: an outgoing webhook. Each message is a JSON POST to
WEBHOOK_URL, signed with HMAC-SHA256 over the exact body with WEBHOOK_SECRET, in the
header X-Thidua-Signature: sha256=<hex>, so the gateway can tell it came from here.

The signed body goes to that address and nowhere else: a redirect is an error, never
followed (it would carry the signature elsewhere), and an address on this machine or a
private network is refused unless WEBHOOK_ALLOWED_NETWORKS names it (a gateway on the
province's own network), so a changed DNS answer cannot turn the app against its own hosts."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

SIGNATURE_HEADER = "X-Thidua-Signature"


class WebhookAddressError(ValueError):
    """WEBHOOK_URL names what the app must not send to."""


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx: the message is not sent


_opener = urllib.request.build_opener(_NoRedirects)


def allowed_networks(config) -> list:
    """WEBHOOK_ALLOWED_NETWORKS: comma-separated addresses or networks (e.g. 10.20.0.0/16)."""
    text = config.get("WEBHOOK_ALLOWED_NETWORKS") or ""
    try:
        return [ipaddress.ip_network(part.strip(), strict=False)
                for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise WebhookAddressError(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from None


def check_url(config) -> tuple[str, int]:
    """The host and port of WEBHOOK_URL, or WebhookAddressError saying what is wrong with it
    (create_app asks at start, so a mistake shows before the first message)."""
    url = config.get("WEBHOOK_URL") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise WebhookAddressError("WEBHOOK_URL must be an http(s) address with a host")
    if parts.username or parts.password:
        raise WebhookAddressError("WEBHOOK_URL must not carry a user name or password")
    allowed = allowed_networks(config)
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None:
        _check_address(literal, allowed)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _check_address(address, allowed) -> None:
    if any(address in network for network in allowed):
        return
    if not address.is_global or address.is_multicast:
        raise WebhookAddressError(
            f"WEBHOOK_URL resolves to {address}, an address of this machine or a private "
            "network; name it in WEBHOOK_ALLOWED_NETWORKS if the gateway is really there")


def _check_resolved(host: str, port: int, allowed) -> None:
    """Every address the host resolves to now must be allowed (checked at each send)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookAddressError(f"WEBHOOK_URL's host does not resolve: {exc}") from None
    for *_rest, sockaddr in infos:
        _check_address(ipaddress.ip_address(sockaddr[0].split("%")[0]), allowed)


def post_webhook(m) -> None:
    """POST one outbox message; anything but a 2xx answer raises (the outbox retries)."""
    c = current_app.config
    host, port = check_url(c)
    _check_resolved(host, port, allowed_networks(c))
    body = m.payload.encode()
    request = urllib.request.Request(c["WEBHOOK_URL"], data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(c.get("WEBHOOK_SECRET") or "", body),
        "X-Thidua-Message": str(m.id),  # the same id when a message is sent again
    })
    timeout = int(c.get("WEBHOOK_TIMEOUT") or 10)
    try:
        # nosec B310: check_url allows http(s) only
        with _opener.open(request, timeout=timeout) as answer:  # nosec B310
            status = answer.status
    except urllib.error.HTTPError as exc:
        exc.close()
        status = exc.code
    if not 200 <= status < 300:
        moved = " (redirects are not followed)" if 300 <= status < 400 else ""
        raise RuntimeError(f"webhook answered {status}{moved}")
