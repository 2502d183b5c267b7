"""The `sampo` command: Django's management commands under one name.

`sampo serve`, `sampo worker`, `sampo migrate`, `sampo demo`, `sampo createuser`,
`sampo backup` and `sampo restore` are the ones the README documents; `sampo help` lists all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sampo", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
