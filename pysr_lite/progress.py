"""What a search prints while it runs (``verbosity > 0``), in the spirit of PySR's progress.

One line per ``pysr_lite:progress`` from the engine, at most one per second (the last iteration
is always shown), plus the engine's own free-text lines and a summary when it is done::

    Engine started: 200 rows, 2 features, 2 threads, 31 populations
    Worker processes: 2 x 1 threads on node1          (parallelism="multiprocessing")
    Progress: 3 / 40 iterations (7.5%) | 6.10e+05 evals/s | best loss 1.310e-02 | front 7 | 0.3 s
    Done (niterations): 40 iterations, 2.00e+06 evals in 3.2 s (6.30e+05 evals/s)
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _number(value: Any, format_spec: str) -> str:
    try:
        return format(float(value), format_spec)
    except (TypeError, ValueError):
        return "?"


class ProgressPrinter:
    """Prints a search's progress; silent when ``verbosity`` is 0.

    ``stream`` defaults to the current ``sys.stdout`` at each print (so captured output works).
    """

    def __init__(self, verbosity: int, stream: TextIO | None = None, interval: float = 1.0):
        self.verbosity = verbosity
        self.stream = stream
        self.interval = interval
        self._last_printed: float | None = None

    def _print(self, text: str) -> None:
        if self.verbosity > 0:
            print(text, file=self.stream or sys.stdout, flush=True)

    def note(self, text: str) -> None:
        """A message of the frontend itself."""
        self._print(text)

    def engine_text(self, line: str) -> None:
        """A free-text line of the engine, passed through."""
        self._print(line)

    def error(self, message: str) -> None:
        self._print(f"Engine error: {message}")

    def start(self, fields: dict[str, Any]) -> None:
        self._print(
            f"Engine started: {fields.get('n_rows', '?')} rows, {fields.get('n_features', '?')} "
            f"features, {fields.get('threads', '?')} threads, {fields.get('populations', '?')} populations"
        )

    def workers(self, fields: dict[str, Any]) -> None:
        hosts = sorted(set(str(fields.get("hosts", "?")).split(",")))
        self._print(f"Worker processes: {fields.get('count', '?')} x {fields.get('threads', '?')} threads on "
                    f"{', '.join(hosts[:4])}{', ...' if len(hosts) > 4 else ''}")

    def worker_lost(self, fields: dict[str, Any]) -> None:
        remaining = fields.get("remaining", 0)
        if remaining and not fields.get("populations"):   # died before it held any
            what = f"the search goes on with the {remaining} remaining worker(s)"
        elif remaining:
            what = f"its {fields.get('populations', '?')} populations go on with the {remaining} remaining worker(s)"
        else:
            what = "no worker is left: the search ends with the front found so far"
        self._print(f"Worker process {fields.get('worker', '?')} died; {what}")

    def progress(self, fields: dict[str, Any]) -> None:
        now = time.monotonic()
        iteration, total = fields.get("iteration"), fields.get("niterations")
        is_last = iteration is not None and iteration == total
        if not is_last and self._last_printed is not None and now - self._last_printed < self.interval:
            return
        self._last_printed = now
        percent = f" ({100 * iteration / total:.1f}%)" if isinstance(iteration, int) and total else ""
        self._print(
            f"Progress: {iteration} / {total} iterations{percent}"
            f" | {_number(fields.get('evals_per_second'), '.2e')} evals/s"
            f" | best loss {_number(fields.get('best_loss'), '.3e')}"
            f" | front {fields.get('front_size', '?')}"
            f" | {_number(fields.get('seconds'), '.1f')} s"
            + (f" | {fields['workers']} workers ({fields['lost_workers']} lost)" if fields.get("lost_workers") else "")
        )

    def done(self, fields: dict[str, Any]) -> None:
        self._print(
            f"Done ({fields.get('reason', '?')}): {fields.get('iterations', '?')} iterations, "
            f"{_number(fields.get('evals'), '.2e')} evals in {_number(fields.get('seconds'), '.1f')} s "
            f"({_number(fields.get('evals_per_second'), '.2e')} evals/s)"
        )
