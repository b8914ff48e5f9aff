"""The node's pathfinding service: one index, the standing requests, and the two RPC methods.

This is the entry point the node and the API use:

    engine = PathfindingEngine(closed_ledger, PathfindingConfig())
    ...
    update, pushes = engine.update(next_closed_ledger)   # once per closed ledger
    for client, message in pushes: send(client, message)

    engine.ripple_path_find(params)                      # the ripple_path_find method
    engine.path_find(client, params)                     # path_find: create / status / close
    engine.forget(client)                                # the client disconnected

Requests are rippled's JSON parameters; answers are rippled's result objects (without the
"status" and ledger fields the API adds); a bad request raises PathRequestError carrying
rippled's error token. Every call does a bounded amount of work (PathfindingConfig.steps), so the
node can run them on its event loop in slices, or hand them to a worker process.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pathfinding.budget import DEFAULT_STEPS, SearchBudget
from pathfinding.index import IndexUpdate, PathIndex
from pathfinding.path_find import PathFindRequests
from pathfinding.request import PathRequestError, SearchLevels, ripple_path_find
from xpay.ledger.ledger import Ledger


@dataclass(frozen=True, slots=True)
class PathfindingConfig:
    """How hard the node searches for each request."""

    levels: SearchLevels = field(default_factory=SearchLevels)
    steps: int | None = DEFAULT_STEPS
    """The budget of one ripple_path_find, and of each path_find answer (None: unlimited)."""


class PathfindingEngine:
    """The index over the latest closed ledger, and the standing path_find requests."""

    __slots__ = ("_config", "_requests", "index")

    def __init__(self, ledger: Ledger, config: PathfindingConfig | None = None) -> None:
        self._config = config or PathfindingConfig()
        self.index = PathIndex(ledger)
        self.index.warm()
        self._requests = PathFindRequests(self._config.levels, self._config.steps)

    @property
    def config(self) -> PathfindingConfig:
        return self._config

    def update(self, ledger: Ledger, *, loaded: bool = False) -> tuple[IndexUpdate, list[tuple[Hashable, dict[str, Any]]]]:
        """Move to a newly closed ledger: update the index, then answer every standing request
        on it. Returns what the index update did and the (client, message) pairs to push.
        `loaded`: the node is busy, and standing requests search shallower (rippled)."""
        done = self.index.update(ledger)
        return done, self._requests.update(self.index, loaded=loaded)

    def ripple_path_find(self, params: Mapping[str, Any], *, ledger: Ledger | None = None) -> dict[str, Any]:
        """The ripple_path_find method, on the latest closed ledger or on `ledger` (a ledger the
        request named: it is indexed for this request alone, a pass over its state)."""
        index = self.index if ledger is None or ledger is self.index.ledger else PathIndex(ledger)
        return ripple_path_find(index, params, levels=self._config.levels, budget=SearchBudget(self._config.steps))

    def path_find(self, client: Hashable, params: Mapping[str, Any]) -> dict[str, Any]:
        """The path_find method (rippled's doPathFind): `subcommand` create, status or close."""
        subcommand = params.get("subcommand")
        if subcommand == "create":
            return self._requests.create(client, self.index, params)
        if subcommand == "status":
            return self._requests.status(client)
        if subcommand == "close":
            return self._requests.close(client)
        raise PathRequestError("invalidParams")

    def forget(self, client: Hashable) -> None:
        """The client went away: drop its standing request."""
        self._requests.remove(client)

    @property
    def standing_requests(self) -> int:
        return len(self._requests)
