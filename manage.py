#!/usr/bin/env python
"""Same as the `sampo` command, for habits formed on other Django projects."""

from sampo.cli import main

if __name__ == "__main__":
    main()
