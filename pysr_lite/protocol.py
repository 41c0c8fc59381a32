"""The engine's stdout lines (docs/protocol.md, "Stdout lines"), read on the Python side.

Machine-readable lines start with ``pysr_lite:``, then a kind (start, progress, done, error, and
for the persistent engine ready and crash) and
``key=value`` pairs; everything else is text for people. This module parses them and turns them
into a search's statistics, live (from ``EngineProcess``) or later (from engine_stdout.log).

>>> parse_protocol_line("pysr_lite:progress iteration=3 best_loss=0.0131")
('progress', {'iteration': 3, 'best_loss': 0.0131})
"""

from __future__ import annotations

import os
from typing import Any

PROTOCOL_PREFIX = "pysr_lite:"
MESSAGE_KINDS = ("error", "crash")  # kinds followed by free text instead of key=value pairs


def _typed(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def parse_protocol_line(line: str) -> tuple[str, dict[str, Any]] | None:
    """``(kind, fields)`` of a machine-readable stdout line, or None for a line meant for people.

    Numbers become int or float. An ``error`` or ``crash`` line's text is ``fields["message"]``.

    >>> parse_protocol_line("pysr_lite:done reason=timeout iterations=4 seconds=2.5")
    ('done', {'reason': 'timeout', 'iterations': 4, 'seconds': 2.5})
    >>> parse_protocol_line("Compiling...") is None
    True
    """
    line = line.rstrip("\r\n")
    if not line.startswith(PROTOCOL_PREFIX):
        return None
    kind, _, rest = line[len(PROTOCOL_PREFIX):].partition(" ")
    if kind in MESSAGE_KINDS:
        return kind, {"message": rest.strip()}
    fields: dict[str, Any] = {}
    for pair in rest.split():
        key, equals, value = pair.partition("=")
        if equals:  # a malformed token is skipped rather than failing the whole search
            fields[key] = _typed(value)
    return kind, fields


def statistics(
    done: dict[str, Any] | None, last_progress: dict[str, Any] | None, *, stopped_by: str | None = None
) -> dict[str, Any]:
    """``evals, evals_per_second, seconds, iterations, reason`` from the protocol lines we have.

    Without a ``done`` line the numbers come from the last progress line and ``reason`` says why:
    "interrupted", "timeout" (stopped by the frontend) or "incomplete" (the engine died).
    """
    if done is not None:
        stats = {key: done.get(key) for key in ("evals", "evals_per_second", "seconds", "iterations", "reason")}
        stats.update({key: value for key, value in done.items() if key not in stats})
    else:
        progress = last_progress or {}
        stats = {
            "evals": progress.get("evals"),
            "evals_per_second": progress.get("evals_per_second"),
            "seconds": progress.get("seconds"),
            "iterations": progress.get("iteration"),
            "reason": {"interrupt": "interrupted", "timeout": "timeout"}.get(stopped_by or "", "incomplete"),
        }
    # Counts may arrive in float notation (2e+06); they are whole numbers.
    for key in ("evals", "iterations"):
        if isinstance(stats[key], float) and stats[key].is_integer():
            stats[key] = int(stats[key])
    return stats


def read_protocol_log(path: str | os.PathLike) -> tuple[dict | None, dict | None]:
    """``(done, last_progress)`` fields from an engine_stdout.log (None for what is missing)."""
    done = last_progress = None
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                parsed = parse_protocol_line(line)
                if parsed is None:
                    continue
                kind, fields = parsed
                if kind == "done":
                    done = fields
                elif kind == "progress":
                    last_progress = fields
    except FileNotFoundError:
        pass
    return done, last_progress
