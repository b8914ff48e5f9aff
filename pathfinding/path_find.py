"""Standing path requests: WebSocket `path_find` (rippled's PathRequest with a subscriber, and
PathRequests).

A client opens a request (`create`), gets a quick first answer at the fast search level, and
then a fresh answer every time a ledger closes, until it closes the request, opens another (one
per client), or goes away. Between ledgers the search level moves as rippled moves it: from the
fast level to the normal one after the first answer, one level deeper each ledger that finds
nothing (up to the maximum), one level back once answers come again. Each answer reuses the
paths chosen last time as extra candidates, so a good path found deep is not lost at a shallow
level.

Clients are named by whatever hashable key the API gives (a connection); `update(index)` returns
the messages to push, each tagged `"type": "path_find"` as rippled pushes them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from pathfinding.budget import SearchBudget
from pathfinding.index import PathIndex
from pathfinding.path import Path
from pathfinding.request import (
    PathRequestError,
    PathRequestParams,
    SearchLevels,
    amount_to_json,
    find_alternatives,
    parse_request,
    validate,
)
from xpay.amounts import Issue
from xpay.codec import encode_account_id


class PathFindRequest:
    """One client's standing request and what it last answered."""

    __slots__ = ("_context", "_last_success", "_level", "_levels", "_steps", "last_seq", "request", "status")

    def __init__(self, request: PathRequestParams, levels: SearchLevels, steps: int | None) -> None:
        self.request = request
        self._levels = levels
        self._steps = steps
        self._level = 0
        self._last_success = False
        self._context: dict[Issue, list[Path]] = {}
        self.last_seq = 0
        """The ledger of the last full answer (0: none yet, only the quick first one)."""
        self.status: dict[str, Any] = {}
        """The last answer (rippled's jvStatus)."""

    @property
    def level(self) -> int:
        return self._level

    def update(self, index: PathIndex, *, fast: bool, loaded: bool = False) -> dict[str, Any]:
        """Answer again over the index's ledger (rippled's doUpdate). `loaded`: the node is
        busy, search shallower."""
        request = self.request
        try:
            validate(index, request)
        except PathRequestError as exc:
            self.status = _error(exc, request)
            if not fast:
                self.last_seq = index.ledger.seq
            return self.status
        self._adjust_level(fast, loaded)
        status: dict[str, Any] = {
            "source_account": encode_account_id(request.src),
            "destination_account": encode_account_id(request.dst),
            "destination_amount": amount_to_json(request.dst_amount),
            "full_reply": not fast,
        }
        if request.request_id is not None:
            status["id"] = request.request_id
        try:
            alternatives = find_alternatives(
                index, request, self._level, SearchBudget(self._steps), legacy=False, context=self._context
            )
        except PathRequestError as exc:
            self._last_success = False
            status = _error(exc, request)
        else:
            self._last_success = bool(alternatives)
            status["alternatives"] = alternatives
        self.status = status
        if not fast:
            self.last_seq = index.ledger.seq
        return status

    def _adjust_level(self, fast: bool, loaded: bool) -> None:
        levels = self._levels
        asked = self.request.search_level
        if asked is not None:
            # Asked for a depth (xpay's search_level): that is this request's normal level.
            normal = min(asked, levels.max)
            levels = SearchLevels(min(levels.fast, normal), normal, levels.max)
        if self._level == 0:
            self._level = levels.fast if (loaded or fast) else levels.normal
        elif self._level == levels.fast and not fast:
            # Leaving the quick first answer.
            self._level = levels.normal
            if loaded and self._level > levels.fast:
                self._level -= 1
        elif self._last_success:
            if self._level > levels.normal or (loaded and self._level > levels.fast):
                self._level -= 1
        else:
            # Nothing found last time: look deeper.
            if not loaded and self._level < levels.max:
                self._level += 1
            if loaded and self._level > levels.fast:
                self._level -= 1


def _error(exc: PathRequestError, request: PathRequestParams) -> dict[str, Any]:
    out: dict[str, Any] = {"error": exc.token}
    if exc.message is not None:
        out["error_message"] = exc.message
    if request.request_id is not None:
        out["id"] = request.request_id
    return out


class PathFindRequests:
    """The node's standing requests, one per client, in the order they were opened."""

    __slots__ = ("_levels", "_requests", "_steps")

    def __init__(self, levels: SearchLevels, steps_per_update: int | None) -> None:
        self._levels = levels
        self._steps = steps_per_update
        self._requests: dict[Hashable, PathFindRequest] = {}

    def __len__(self) -> int:
        return len(self._requests)

    def create(self, client: Hashable, index: PathIndex, params: Mapping[str, Any]) -> dict[str, Any]:
        """Open a request for `client` (closing any it had) and answer it at the fast level.
        A bad request raises PathRequestError and leaves the client with no request."""
        self._requests.pop(client, None)
        request = PathFindRequest(parse_request(params), self._levels, self._steps)
        validate(index, request.request)
        answer = request.update(index, fast=True)
        self._requests[client] = request
        return answer

    def status(self, client: Hashable) -> dict[str, Any]:
        """The client's last answer (rippled's doStatus)."""
        request = self._requests.get(client)
        if request is None:
            raise PathRequestError("noPathRequest", "No pathfinding request in progress.")
        return {**request.status, "status": "success"}

    def close(self, client: Hashable) -> dict[str, Any]:
        """Close the client's request; its last answer, marked closed (rippled's doClose)."""
        request = self._requests.pop(client, None)
        if request is None:
            raise PathRequestError("noPathRequest", "No pathfinding request in progress.")
        return {**request.status, "closed": True}

    def remove(self, client: Hashable) -> None:
        """Forget a client that went away."""
        self._requests.pop(client, None)

    def update(self, index: PathIndex, *, loaded: bool = False) -> list[tuple[Hashable, dict[str, Any]]]:
        """Fully answer every request not yet fully answered on the index's ledger: (client,
        message) to push, oldest request first. The node calls this after each closed ledger;
        calling it right after a `create` pushes the full answer on the current ledger too, as
        rippled does after the quick one."""
        seq = index.ledger.seq
        out: list[tuple[Hashable, dict[str, Any]]] = []
        for client, request in list(self._requests.items()):
            if request.last_seq >= seq:
                continue
            message = dict(request.update(index, fast=False, loaded=loaded))
            message["type"] = "path_find"
            out.append((client, message))
        return out
