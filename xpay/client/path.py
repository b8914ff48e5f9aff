"""Payment paths: the routes a cross-currency payment may take (rippled's STPathSet).

A path is a list of steps; each step is either an account to ripple through, or a currency and /
or issuer to convert into through an order book (rippled's STPathElement). A step that names an
account together with a currency or issuer is not a step rippled can build a strand from
(temBAD_PATH), and rippled caps a payment at 6 paths of 8 steps each (MaxPathSize /
MaxPathLength): beyond that a node answers telBAD_PATH_COUNT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from xpay.client.amount import account_id
from xpay.client.errors import InvalidInput, MalformedTransaction
from xpay.codec import CodecError, field_from_json

MAX_PATHS: Final = 6
"""rippled's MaxPathSize: paths in one payment."""
MAX_PATH_LENGTH: Final = 8
"""rippled's MaxPathLength: steps in one path."""


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a path: an `account` to ripple through, or a `currency` and / or `issuer` to
    convert into (`"XRP"` for the native asset)."""

    account: str | None = None
    currency: str | None = None
    issuer: str | None = None

    def __post_init__(self) -> None:
        if self.account is None and self.currency is None and self.issuer is None:
            raise MalformedTransaction(
                "a path step names an account, a currency or an issuer", field="Paths"
            )
        if self.account is not None and (self.currency is not None or self.issuer is not None):
            raise MalformedTransaction(
                "a path step is an account or a currency / issuer, not both",
                field="Paths",
                result="temBAD_PATH",
            )
        if self.currency == "XRP" and self.issuer is not None:
            raise MalformedTransaction("XRP has no issuer", field="Paths", result="temBAD_PATH")
        try:
            field_from_json("Paths", [[self.to_json()]])
        except CodecError as error:
            raise InvalidInput(f"bad path step: {error.message}", field="Paths") from None
        for name in ("account", "issuer"):
            value = getattr(self, name)
            if value is not None and not any(account_id(value, field="Paths")[:19]):
                # The zero account and rippled's noAccount() (ACCOUNT_ONE) are placeholders.
                raise MalformedTransaction(f"{value} is not a real account", field="Paths", result="temBAD_PATH")

    def to_json(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.account is not None:
            out["account"] = self.account
        if self.currency is not None:
            out["currency"] = self.currency
        if self.issuer is not None:
            out["issuer"] = self.issuer
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> PathStep:
        """A step as rippled writes it (its `type` / `type_hex` are derived and ignored)."""
        return cls(
            account=value.get("account"),
            currency=value.get("currency"),
            issuer=value.get("issuer"),
        )


Path: TypeAlias = tuple[PathStep, ...]


def paths_to_json(paths: Sequence[Sequence[PathStep]]) -> list[list[dict[str, str]]]:
    return [[step.to_json() for step in path] for path in paths]


def paths_from_json(value: Any) -> tuple[Path, ...]:
    """Paths as rippled writes them (`paths_computed`, a Payment's `Paths`)."""
    if not isinstance(value, list) or not all(isinstance(path, list) for path in value):
        raise InvalidInput(f"{value!r:.100} is not a list of paths", field="Paths")
    return tuple(tuple(PathStep.from_json(step) for step in path) for path in value)


def check_paths(paths: Sequence[Sequence[PathStep]]) -> None:
    """A path set rippled accepts: at most MAX_PATHS non-empty paths of at most MAX_PATH_LENGTH
    steps."""
    if len(paths) > MAX_PATHS:
        raise MalformedTransaction(
            f"{len(paths)} paths: at most {MAX_PATHS}", field="Paths", result="telBAD_PATH_COUNT"
        )
    for path in paths:
        if not path:
            # rippled's STPathSet cannot even deserialise an empty path.
            raise MalformedTransaction("a path has at least one step", field="Paths")
        if len(path) > MAX_PATH_LENGTH:
            raise MalformedTransaction(
                f"a path of {len(path)} steps: at most {MAX_PATH_LENGTH}",
                field="Paths",
                result="telBAD_PATH_COUNT",
            )
        for step in path:
            if not isinstance(step, PathStep):
                raise InvalidInput(f"a path holds PathSteps, not {type(step).__name__}", field="Paths")
