"""Sampo's benchmark suite: a seeded dataset at a chosen scale, and scenarios that measure the
product over HTTP (a real `sampo serve`), through its import code path and its selectors, on
SQLite and PostgreSQL. `python -m bench --help`; BENCHMARKS.md has the method and results."""
