"""Running `sampo` as an operator does: a real process of the installed command, with its own
data folder and nothing of the test run's configuration."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPMessage
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from tests.waiting import wait_until

SAMPO = str(Path(sys.executable).with_name("sampo"))


def operator_env(**values: str) -> dict[str, str]:
    """This machine's environment without any SAMPO_ setting of the test run, plus `values`.

    Without PYTHONUNBUFFERED too: a process manager collects output through a pipe, and what
    a command prints must get there all the same.
    """
    left_out = {"DJANGO_SETTINGS_MODULE", "PYTHONUNBUFFERED"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SAMPO_") and key not in left_out
    }
    return {**env, **values}


def sampo(
    *args: str,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = 120,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run `sampo ARGS` to the end. Standard input is a pipe, never a terminal."""
    result = subprocess.run(
        [SAMPO, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"`sampo {' '.join(args)}` exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def sampo_python(code: str, *, env: dict[str, str]) -> Any:
    """Run `code` in `sampo shell -c` and return what it printed as the JSON on its last line."""
    result = sampo("shell", "-c", code, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Long-running commands ------------------------------------------------------------------


class Running:
    """A long-running `sampo` command in its own process group, its output in a log file."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.args = args
        self.log_path = log
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(
            [SAMPO, *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.popen.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def describe(self) -> str:
        tail = "\n".join(self.log().splitlines()[-80:])
        return f"--- sampo {' '.join(self.args)} (pid {self.pid}) ---\n{tail}\n"

    def wait_for_log(self, text: str, *, timeout: float = 60) -> None:
        wait_until(
            lambda: text in self.log() or self.popen.poll() is not None,
            timeout=timeout,
            what=f"{text!r} in the log",
            details=self.describe,
        )
        assert text in self.log(), f"It exited before logging {text!r}.\n{self.describe()}"

    def terminate(self, *, timeout: float = 40) -> int:
        """SIGTERM to the command, as a process manager sends it; its exit code."""
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(
                f"Still running {timeout} s after SIGTERM.\n{self.describe()}"
            ) from error

    def group_alive(self) -> bool:
        """Whether any process of its group (what it forked) is still there."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL whatever of the group is left (teardown)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        self._log_file.close()


@dataclass
class Processes:
    """Starts long-running commands and makes sure none outlives the test."""

    log_dir: Path
    started: list[Running] = field(default_factory=list)

    def start(self, *args: str, env: dict[str, str]) -> Running:
        log = self.log_dir / f"{args[0]}-{len(self.started)}.log"
        running = Running(list(args), env=env, log=log)
        self.started.append(running)
        return running

    def logs(self) -> str:
        return "".join(running.describe() for running in self.started)

    def stop_all(self) -> None:
        for running in self.started:
            running.kill()


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid`, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (name) state ppid ...": the name may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
    return children


# --- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: HTTPMessage
    text: str


@dataclass
class Browser:
    """Just enough of a browser: keeps cookies, sends fixed headers, follows no redirect."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Response:
        body = urlencode(data)
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return Response(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def answers(self, path: str) -> int | None:
        """The status of GET `path`, or None while nothing listens."""
        try:
            return self.get(path).status
        except OSError:
            return None

    def log_in(self, email: str, password: str) -> Response:
        form = self.get("/login/")
        assert form.status == 200, form.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "no CSRF token on the login page"
        data = {"csrfmiddlewaretoken": token[1], "username": email, "password": password}
        return self.post("/login/", data)


# --- Backups --------------------------------------------------------------------------------


def archive_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return dict(json.load(stream))


def archive_names(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


# --- PostgreSQL -----------------------------------------------------------------------------


def postgres_server_url() -> str:
    """The PostgreSQL server of the suite's PostgreSQL pass (SAMPO_DATABASE_URL)."""
    url = os.environ.get("SAMPO_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "runs in the suite's PostgreSQL pass: it makes its own scratch database on the "
            "server of SAMPO_DATABASE_URL=postgres://..."
        )
    return url


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A new database on the suite's PostgreSQL server, as a URL; dropped afterwards."""
    server = dj_database_url.parse(postgres_server_url())
    name = f"sampo_backup_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        dbname="postgres",
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        autocommit=True,
    )
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield database_url_for(server, name)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def database_url_for(server: dict[str, object], name: str) -> str:
    credentials = quote(str(server["USER"] or ""), safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(str(server["PASSWORD"]), safe="")
    host = server["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{server['PORT'] or 5432}/{name}"
