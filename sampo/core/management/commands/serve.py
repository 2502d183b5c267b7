from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Built only now, after collectstatic: WhiteNoise lists the static files when the
        # application is built, so one built earlier serves none on a first start.
        from sampo.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Sampo over HTTP with the production server (gunicorn): several worker "
        "processes, static files included. Put a TLS-terminating proxy in front in production."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("SAMPO_BIND", "127.0.0.1:8000"),
            help="Address and port (default 127.0.0.1:8000, or $SAMPO_BIND).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("SAMPO_WEB_WORKERS", "2")),
            help="Web worker processes (default 2, or $SAMPO_WEB_WORKERS).",
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("SAMPO_WEB_THREADS", "4"))
        )
        parser.add_argument(
            "--skip-collectstatic",
            action="store_true",
            help="Do not gather static files first (when a deploy step already did).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Sampo is serving on http://{options['bind']}/ (Ctrl+C stops it)")
        # Now: through a pipe (systemd, docker) it would wait in the buffer, and each forked
        # web process would print it again.
        self.stdout.flush()
        _Gunicorn(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": "-",
                "timeout": 60,
                # gunicorn's control socket lives in $HOME, shared by every server of the
                # user (and missing for a service user without a home): Sampo does not use it.
                "control_socket_disable": True,
                "graceful_timeout": 20,
            }
        ).run()
