"""The time budget of a search: ``timeout_in_seconds`` counted from the ``search()`` call.

One deadline serves both sides. ``Deadline.after(seconds)`` is taken as ``search()`` starts;
options.toml carries it as ``deadline_unix_seconds`` (Unix time, which Python's ``time.time()``
and Julia's ``time()`` share), so the engine's clock no longer starts late: Julia's start, the
package load and the compilation of the search are all inside the budget. The frontend watches
the same deadline on its monotonic clock: when it passes, the engine is asked to stop (a ``stop``
line); ``GRACE_SECONDS`` later the frontend stops waiting and returns the last front on disk
(or, when the engine has not written one yet, raises ``TimeoutBeforeFirstFrontError``).

>>> called_at = Instant.now()
>>> deadline = Deadline.after(5.0, since=called_at)
>>> 4.9 < deadline.remaining() <= 5.0
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# How long after the deadline the frontend waits for the engine to finish (it writes its front on
# `stop`, within a cycle of evolution once compiled); then it returns what is on disk.
GRACE_SECONDS = 0.6


@dataclass(frozen=True)
class Instant:
    """A moment on both clocks: ``unix_seconds`` for the engine (options.toml), ``monotonic`` for
    the frontend's own watch (immune to the wall clock being set)."""

    unix_seconds: float
    monotonic: float

    @classmethod
    def now(cls) -> "Instant":
        return cls(time.time(), time.monotonic())


@dataclass(frozen=True)
class Deadline(Instant):
    """The end of a search's budget."""

    @classmethod
    def after(cls, seconds: float, since: Instant | None = None) -> "Deadline":
        """The deadline ``seconds`` after ``since`` (default: now)."""
        since = since or Instant.now()
        return cls(since.unix_seconds + seconds, since.monotonic + seconds)

    @classmethod
    def after_optional(cls, seconds: float | None, since: Instant | None = None) -> "Deadline | None":
        """``Deadline.after(seconds, since)``, or None (no budget) when ``seconds`` is None."""
        return None if seconds is None else cls.after(seconds, since)

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.monotonic - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def give_up_at(self) -> float:
        """The ``time.monotonic()`` at which the frontend stops waiting for the engine."""
        return self.monotonic + GRACE_SECONDS


class TimeoutBeforeFirstFrontError(TimeoutError):
    """``timeout_in_seconds`` ran out before the engine wrote its first front.

    A cold engine spends seconds starting Julia and compiling the search before its first front;
    a budget shorter than that has nothing to return. ``run_directory`` is the run's folder.
    """

    def __init__(self, message: str, *, run_directory):
        super().__init__(message)
        self.run_directory = run_directory

    @classmethod
    def for_run(cls, timeout_in_seconds: float, run_directory) -> "TimeoutBeforeFirstFrontError":
        return cls(
            f"timeout_in_seconds={timeout_in_seconds:g} ran out before the engine wrote its first front: "
            "a cold engine spends seconds starting Julia and compiling the search before its first "
            "iteration ends (see docs/performance.md). Give a longer timeout, or warm the persistent "
            f"engine with a short search first. Run folder: {run_directory}",
            run_directory=run_directory,
        )
