"""Real components for the background-work tests: an SMTP server, child processes running the
`sampo` command, and just enough of an HTTP client to fill in a form."""

from __future__ import annotations

import contextlib
import email
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django_q.brokers import Broker, get_broker

from tests.waiting import wait_until

# --- SMTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "the email has no plain-text part"
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "the email has no HTML part"
        return str(part.get_content())


class SmtpInbox:
    """The aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[ReceivedMail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._mails.append(ReceivedMail(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._mails)

    def wait_for_mails(
        self, count: int = 1, *, timeout: float = 30, details: Callable[[], str] = str
    ) -> list[ReceivedMail]:
        return wait_until(
            lambda: self.mails if len(self.mails) >= count else None,
            timeout=timeout,
            what=f"{count} email(s) on the SMTP server",
            details=details,
        )


# --- Child processes ------------------------------------------------------------------------


class Child:
    """A `sampo` command in its own process group, so that killing it kills what it forked."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        self._killed = False
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean shutdown, as when a machine dies."""
        if self._killed:  # once: the group's id could be reused afterwards
            return
        self._killed = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._log_file.close()

    def exited(self) -> bool:
        return self.popen.poll() is not None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        tail = "\n".join(self.log().splitlines()[-lines:])
        return f"--- {self.name} (pid {self.popen.pid}) ---\n{tail}\n"


# --- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    text: str


class Browser:
    """Keeps cookies and does not follow redirects, so a test sees each step."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, urlencode(data), headers)

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request(method, urlsplit(path).path or "/", body, headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            text = response.read().decode(errors="replace")
            return Response(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()


# --- The task queue and the sampo command ----------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPO = str(Path(sys.executable).with_name("sampo"))
REDIS_BROKER = "sampo.lib.redis_queue.ReliableRedisBroker"

# Short, so that a task whose worker was killed is handed out again within seconds. The
# product's rule holds: a task is stopped (timeout) before it is handed out again (retry).
TASK_TIMEOUT = 6
TASK_RETRY = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TaskQueue:
    """One test's own queue (parallel tests must not take each other's tasks), on one backend.
    This process is configured for it as `sampo` is when SAMPO_REDIS_URL is set or not, so
    `async_task` here goes through the same broker as in the web process."""

    backend: str
    name: str
    redis_url: str

    def broker(self) -> Broker:
        return get_broker()

    def waiting(self) -> int:
        return int(self.broker().queue_size())

    def in_progress(self) -> int:
        return int(self.broker().lock_size())

    def env(self) -> dict[str, str]:
        env = {"SAMPO_QUEUE_NAME": self.name}
        if self.backend == "redis":
            env["SAMPO_REDIS_URL"] = self.redis_url
        return env


@dataclass
class WebServer:
    url: str
    process: Child


@dataclass
class Sampo:
    """Starts `sampo` commands on the test database, the test queue and the SMTP server."""

    env: dict[str, str]
    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> Child:
        log = self.log_dir / f"{name}-{len(self.children)}.log"
        child = Child(name, [SAMPO, *args], env={**self.env, **(env or {})}, log=log)
        self.children.append(child)
        return child

    def serve(self) -> WebServer:
        url = f"http://127.0.0.1:{free_port()}"
        process = self.start(
            "web",
            "serve",
            f"--bind={url.removeprefix('http://')}",
            "--workers=1",
            "--skip-collectstatic",
            env={"SAMPO_SITE_URL": url},
        )
        wait_until(
            lambda: self._healthy(url) or process.exited(),
            timeout=30,
            what="the web server to answer /healthz",
            details=self.logs,
        )
        assert not process.exited(), f"sampo serve exited\n{self.logs()}"
        return WebServer(url, process)

    def worker(self, name: str = "worker") -> Child:
        return self.start(name, "worker")

    def logs(self) -> str:
        return "".join(child.log_tail() for child in self.children)

    @staticmethod
    def _healthy(url: str) -> bool:
        with contextlib.suppress(OSError):
            return Browser(url).get("/healthz").status == 200
        return False
