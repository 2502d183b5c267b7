"""A Dovecot IMAP server of the test's own: a temporary configuration and maildir, a free port
on 127.0.0.1, no system service. Run as root (a container, CI), its login and mail processes
use Debian's `dovenull` and `dovecot` users, because Dovecot refuses to run them as root;
otherwise everything runs as the current user."""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.worker.support import free_port

USER = "crm"
PASSWORD = "imap-test-password"


def _identity() -> dict[str, str]:
    if os.geteuid() != 0:
        me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
        return {"login": me, "internal": me, "group": group, "mail_user": me, "mail_group": group}
    return {
        "login": "dovenull",
        "internal": "dovecot",
        "group": "dovecot",
        "mail_user": "dovecot",
        "mail_group": "dovecot",
    }


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD

    @classmethod
    def start(cls) -> Dovecot:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            raise RuntimeError("These tests need Dovecot: apt-get install dovecot-imapd")
        # Not under pytest's tmp_path: its folders are private to us, and the mail processes
        # may run as another user.
        root = Path(tempfile.mkdtemp(prefix="sampo-dovecot-"))
        root.chmod(0o755)
        (root / "mail").mkdir()
        identity = _identity()
        if os.geteuid() == 0:
            shutil.chown(root / "mail", identity["mail_user"], identity["mail_group"])
        port = free_port()
        config = root / "dovecot.conf"
        config.write_text(CONFIG.format(root=root, port=port, password=PASSWORD, **identity))
        process = subprocess.Popen(
            [binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = cls(root, port, process)
        server._wait_until_ready()
        return server

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client = self.client()
                client.logout()
                return
            time.sleep(0.2)
        log = (
            (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
        )
        self.stop()
        raise RuntimeError(f"Dovecot did not start:\n{log}")

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message into the mailbox as a mail server would (IMAP APPEND)."""
        client = self.client()
        try:
            client.create(folder)
            response = client.append(folder, "", "", raw)
            assert response[0] == "OK", response
        finally:
            client.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
