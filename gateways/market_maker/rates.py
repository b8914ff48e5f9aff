"""Reference rates: where the market maker learns what one base is worth in quote.

Three sources, one interface (`await source.read()` -> a positive Decimal, or RateUnavailable):

- a fixed number from the configuration;
- a small file holding the rate, re-read on every poll (an operator, or another program, writes
  it; a half-written or garbled file is an unavailable rate, not a wrong one);
- an HTTP endpoint answering the rate as plain text or as JSON `{"rate": "0.92"}`.

The text is parsed as a Decimal: a JSON number is read from its text, never through a float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, Protocol

import aiohttp

HTTP_TIMEOUT: Final = 5.0


class RateUnavailable(Exception):
    """The source could not give a usable rate now."""


class RateSource(Protocol):
    async def read(self) -> Decimal: ...

    def describe(self) -> str: ...


def parse_rate(text: str, where: str) -> Decimal:
    """A rate from a source's text: a bare number, or JSON `{"rate": …}`."""
    stripped = text.strip()
    value: Any = stripped
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as error:
            raise RateUnavailable(f"{where}: not JSON ({error})") from None
        if not isinstance(document, dict) or "rate" not in document:
            raise RateUnavailable(f"{where}: no \"rate\" in {stripped[:80]!r}")
        value = document["rate"]
    if isinstance(value, bool):
        raise RateUnavailable(f"{where}: {value!r} is not a rate")
    try:
        rate = Decimal(value) if isinstance(value, str | int | Decimal) else None
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0:
        raise RateUnavailable(f"{where}: {str(value)[:80]!r} is not a positive number")
    return rate


@dataclass(frozen=True, slots=True)
class FixedRate:
    rate: Decimal

    async def read(self) -> Decimal:
        return self.rate

    def describe(self) -> str:
        return f"fixed {self.rate}"


@dataclass(frozen=True, slots=True)
class FileRate:
    path: Path

    async def read(self) -> Decimal:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise RateUnavailable(f"{self.path}: {error.strerror or error}") from None
        return parse_rate(text, str(self.path))

    def describe(self) -> str:
        return f"file {self.path}"


@dataclass(frozen=True, slots=True)
class HttpRate:
    url: str

    async def read(self) -> Decimal:
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT)) as session,
                session.get(self.url) as response,
            ):
                body = await response.text()
                if response.status != 200:
                    raise RateUnavailable(f"{self.url}: HTTP {response.status}")
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise RateUnavailable(f"{self.url}: {error or type(error).__name__}") from None
        return parse_rate(body, self.url)

    def describe(self) -> str:
        return f"HTTP {self.url}"


__all__ = ["FileRate", "FixedRate", "HttpRate", "RateSource", "RateUnavailable", "parse_rate"]
