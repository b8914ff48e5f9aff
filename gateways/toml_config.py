"""Reading a TOML configuration file strictly: every key known, every value checked, every error
naming its key (`issuing.seed`, `quotes.spread_bps[2]`).

A typo in a key is an error, not a silently ignored setting; a configuration is read completely
before a service starts, so a bad file changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gateways.decimal_amounts import AmountInputError, parse_value
from xpay.client import InvalidInput, Wallet, account_id


class ConfigError(ValueError):
    """A configuration file a service will not start with; the message names the key. Nothing
    was created, signed or sent."""


def load_toml(path: Path) -> dict[str, Any]:
    """The TOML document at `path`; ConfigError for a missing or unparsable file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


def check_node_url(url: str, key: str) -> str:
    """A WebSocket (ws://, wss://) or HTTP (http://, https://) URL of an xpay node."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss", "http", "https") or not parts.hostname:
        raise ConfigError(f"{key}: {url!r:.80} is not a ws://, wss://, http:// or https:// URL")
    try:
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise ConfigError(f"{key}: {url!r:.80} has a bad port") from None
    return url


class Table:
    """One table of the document, read key by key; `finish()` refuses keys nobody asked for."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{path or 'the file'}: expected a table, not {type(data).__name__}")
        self._data: dict[str, Any] = data
        self._path = path
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def has(self, name: str) -> bool:
        return name in self._data

    def raw(self, name: str, default: Any = ...) -> Any:
        self._read.add(name)
        if name not in self._data:
            if default is ...:
                raise ConfigError(f"{self.key(name)}: missing (required)")
            return default
        return self._data[name]

    def table(self, name: str, *, required: bool = True) -> Table:
        if name not in self._data and not required:
            self._read.add(name)
            return Table({}, self.key(name))
        return Table(self.raw(name), self.key(name))

    def string(self, name: str, default: str | Any = ...) -> str:
        value = self.raw(name, default)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.key(name)}: expected a non-empty string, not {value!r:.60}")
        return value

    def optional_string(self, name: str) -> str | None:
        return self.string(name) if self.has(name) else self.raw(name, None)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.key(name)}: expected true or false, not {value!r:.60}")
        return value

    def integer(self, name: str, default: int | Any = ..., *, low: int | None = None, high: int | None = None) -> int:
        value = self.raw(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.key(name)}: expected an integer, not {value!r:.60}")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}"
            raise ConfigError(f"{self.key(name)}: {value} is outside {bounds}")
        return value

    def seconds(self, name: str, default: float) -> float:
        value = self.raw(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86_400:
            raise ConfigError(f"{self.key(name)}: expected a number of seconds in (0, 86400], not {value!r:.60}")
        return float(value)

    def decimal(self, name: str, default: Decimal | Any = ..., *, allow_zero: bool = False) -> Decimal:
        value = self.raw(name, default)
        if isinstance(value, Decimal):
            return value
        try:
            return parse_value(value, field=self.key(name), allow_zero=allow_zero)
        except AmountInputError as error:
            raise ConfigError(str(error)) from None

    def wallet(self, name: str) -> Wallet:
        value = self.raw(name)
        try:
            return Wallet.from_seed(value)
        except InvalidInput:
            # Never echo what was there: it may be a real secret with a typo in it.
            raise ConfigError(f"{self.key(name)}: not an Ed25519 family seed (sEd…)") from None

    def address(self, name: str) -> str:
        value = self.string(name)
        try:
            account_id(value)
        except InvalidInput:
            raise ConfigError(f"{self.key(name)}: {value!r:.60} is not an XRPL address") from None
        return str(value)

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{self.key(name)}: expected a non-empty list of strings")
        return tuple(value)

    def items(self, name: str) -> Iterator[tuple[str, Any]]:
        value = self.raw(name)
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{self.key(name)}: expected a non-empty list")
        for index, item in enumerate(value):
            yield f"{self.key(name)}[{index}]", item

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._read)
        if unknown:
            names = ", ".join(self.key(name) for name in unknown)
            raise ConfigError(f"unknown setting{'s' if len(unknown) > 1 else ''}: {names}")


__all__ = ["ConfigError", "Table", "check_node_url", "load_toml"]
