"""PySR's warnings about settings that work but may not do what the user expects.

- ``random_state`` without ``deterministic=True``: the seed alone does not make the search
  repeatable, since threads interleave differently from run to run (PySR's ``fit`` warns alike).
- More than 10,000 rows without ``batching``: every evaluation reads every row, so the search
  slows down, and a functional form rarely needs that many points (PySR's wording).
"""

from __future__ import annotations

from typing import Any, Mapping

from .options import _warn_user

LARGE_DATA_ROWS = 10_000

RANDOM_STATE_WITHOUT_DETERMINISTIC = (
    "Note: Setting `random_state` without also setting `deterministic=True` will result in "
    "non-deterministic searches: the threads' timing still decides how populations interleave."
)

LARGE_DATA_WITHOUT_BATCHING = (
    "Note: you are running with more than 10,000 datapoints. You should consider turning on batching "
    "(batching=True, batch_size=...). You should also reconsider if you need that many datapoints. Unless "
    "you have a large amount of noise (in which case you should smooth your dataset first, e.g. with "
    "SymbolicRegressor(denoise=True)), generally < 10,000 datapoints is enough to find a functional form "
    "with symbolic regression. More datapoints will lower the search speed."
)


def warn_about_settings(options: Mapping[str, Any], n_rows: int) -> None:
    """Warn (UserWarning, at the user's line) about ``options`` as the user gave them."""
    if options.get("random_state") is not None and not options.get("deterministic", False):
        _warn_user(RANDOM_STATE_WITHOUT_DETERMINISTIC)
    if n_rows > LARGE_DATA_ROWS and not options.get("batching", False):
        _warn_user(LARGE_DATA_WITHOUT_BATCHING)
