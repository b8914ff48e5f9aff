"""Virtual clock and event scheduler, as rippled's ``csf::Scheduler``.

Simulated time is an integer count of milliseconds since the start of the simulation. Events
are callbacks kept in a heap ordered by (time, sequence): two events due at the same
millisecond run in the order they were scheduled, so a run is a pure function of its seeds.
Nothing here reads the wall clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable


class Scheduler:
    """A virtual clock plus a queue of timed callbacks."""

    __slots__ = ("_heap", "_next_seq", "after_event", "events_run", "now")

    def __init__(self) -> None:
        self.now = 0
        self._heap: list[tuple[int, int, Callable[[], None]]] = []
        self._next_seq = 0
        self.events_run = 0
        self.after_event: list[Callable[[], None]] = []
        """Hooks run after every event (collectors that check invariants continuously)."""

    def at(self, when: int, callback: Callable[[], None]) -> None:
        """Run ``callback`` at virtual time ``when`` (now, if ``when`` is in the past)."""
        heapq.heappush(self._heap, (max(when, self.now), self._next_seq, callback))
        self._next_seq += 1

    def after(self, delay: int, callback: Callable[[], None]) -> None:
        """Run ``callback`` ``delay`` milliseconds from now."""
        self.at(self.now + delay, callback)

    @property
    def pending(self) -> int:
        return len(self._heap)

    def step(self) -> bool:
        """Run the next event; return False when there is none."""
        if not self._heap:
            return False
        when, _, callback = heapq.heappop(self._heap)
        self.now = when
        callback()
        self.events_run += 1
        for hook in self.after_event:
            hook()
        return True

    def run_until(self, when: int) -> None:
        """Run every event due at or before ``when``, then set the clock to ``when``."""
        heap = self._heap
        while heap and heap[0][0] <= when:
            self.step()
        self.now = max(self.now, when)

    def run_for(self, duration: int) -> None:
        self.run_until(self.now + duration)

    def run_while(self, condition: Callable[[], bool], limit: int) -> bool:
        """Run events while ``condition()`` holds, up to virtual time ``limit``; return whether
        the condition became false (rather than the limit being reached)."""
        heap = self._heap
        while condition():
            if not heap or heap[0][0] > limit:
                self.now = max(self.now, limit)
                return False
            self.step()
        return True
