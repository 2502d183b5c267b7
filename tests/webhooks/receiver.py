"""A real webhook receiver on localhost, as an integrator would write one: it checks the
signature, answers with the statuses it is told to (then 200), and drops repeats by event id."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sampo.api.webhooks.signing import verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    signature_ok: bool
    status: int

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location (307)
    requests: list[Received] = field(default_factory=list)
    processed: dict[str, Any] = field(default_factory=dict)  # by event id, once each
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        headers = dict(handler.headers.items())
        with self._lock:
            if handler.path in self.redirects:
                status = 307
            else:
                status = self.statuses.pop(0) if self.statuses else 200
            ok = verify(
                self.secret,
                headers.get("Sampo-Webhook-Timestamp", ""),
                body,
                headers.get("Sampo-Webhook-Signature", ""),
            )
            self.requests.append(Received(handler.path, headers, body, time.time(), ok, status))
            event_id = headers.get("Sampo-Webhook-Id", "")
            # Processed before answering: a 500 here is a receiver that did the work and then
            # failed to say so; the retry brings the same id, which it drops.
            if ok and status != 307 and event_id not in self.processed:
                self.processed[event_id] = json.loads(body)
        handler.send_response(status)
        if status == 307:
            handler.send_header("Location", self.redirects[handler.path])
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.requests)


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.handle(self)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
