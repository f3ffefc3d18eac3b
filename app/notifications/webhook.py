"""The channel for SMS or Zalo: an outgoing webhook. Each message is a JSON POST to
WEBHOOK_URL, signed with HMAC-SHA256 over the exact body with WEBHOOK_SECRET, in the
header X-Thidua-Signature: sha256=<hex>, so the gateway can tell it came from here."""
from __future__ import annotations

import hashlib
import hmac
import urllib.request

from flask import current_app

SIGNATURE_HEADER = "X-Thidua-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(m) -> None:
    """POST one outbox message; anything but a 2xx answer raises (the outbox retries)."""
    c = current_app.config
    url = c["WEBHOOK_URL"]
    if not url.startswith(("https://", "http://")):
        raise ValueError("WEBHOOK_URL must be an http(s) address")
    body = m.payload.encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(c.get("WEBHOOK_SECRET") or "", body),
        "X-Thidua-Message": str(m.id),  # the same id when a message is sent again
    })
    timeout = int(c.get("WEBHOOK_TIMEOUT") or 10)
    # nosec B310: the scheme is checked above
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # nosec B310
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"webhook answered {answer.status}")
