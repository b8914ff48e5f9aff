"""A per-request allowance of search work, counted in steps rather than time.

One path request must not stall the node. rippled stops a search through a continue-callback
(the client went away, or the server is shutting down); xpay gives each request a budget of
*steps* instead: a trust line or book looked at costs one, a trial payment through the engine
(ranking a candidate path) costs `FLOW_STEPS`. The core never reads a clock, so the same request
on the same ledger does the same work and gets the same answer on every node; the caller picks
the allowance (and may measure the time a step takes on its hardware, in bench/).

When the budget runs out the search stops widening and ranks no further candidates; what was
found and ranked so far is still returned, and the final estimate of each alternative (one run
of the engine per source currency) is always made.
"""

from __future__ import annotations

from typing import Final

FLOW_STEPS: Final = 100
"""Steps charged for one run of the payment engine: about what visiting a hundred trust lines
costs (bench/pathfind.py measures both)."""

DEFAULT_STEPS: Final = 100_000
"""The default allowance: enough for a level-7 search on the 10,000-account bench world (at
most ~97,000 steps there), about a tenth of a second of work."""


class SearchBudget:
    """Steps allowed and steps spent by one request (None: unlimited)."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int | None = DEFAULT_STEPS) -> None:
        if limit is not None and limit < 0:
            raise ValueError("a search budget cannot be negative")
        self.limit = limit
        self.used = 0

    def spend(self, steps: int = 1) -> bool:
        """Charge `steps`; False once the allowance is used up (the caller stops widening)."""
        self.used += steps
        return self.limit is None or self.used <= self.limit

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    def __repr__(self) -> str:
        return f"SearchBudget(used={self.used}, limit={self.limit})"
