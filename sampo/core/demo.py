"""`sampo demo`: realistic demo data for a Finnish SMB. Each domain registers a loader that
adds its part; every loader is idempotent, so running the command again adds nothing twice."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

DEMO_PASSWORD = "sampo-demo"  # noqa: S105 (printed to the operator; demo data only)


@dataclass
class DemoContext:
    rng: random.Random
    # What earlier loaders made, for later ones to link to (users by key, teams by key, ...).
    objects: dict[str, Any]
    log: Callable[[str], None]


LOADERS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def register(order: int, name: str) -> Callable[[Callable[[DemoContext], None]], Callable]:
    def decorator(loader: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        if all(existing != name for _, existing, _ in LOADERS):
            LOADERS.append((order, name, loader))
            LOADERS.sort(key=lambda item: item[0])
        return loader

    return decorator


def load_demo(*, seed: int = 2026, log: Callable[[str], None] = print) -> DemoContext:
    context = DemoContext(rng=random.Random(seed), objects={}, log=log)
    for _, name, loader in LOADERS:
        log(f"demo: {name}")
        # One transaction per domain: a few commits instead of thousands (PostgreSQL syncs each
        # one to disk), and a loader that fails leaves nothing half-made.
        with transaction.atomic():
            loader(context)
    return context
