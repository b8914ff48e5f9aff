"""The README's SDK walk-through (examples/cross_border.py) runs as written against a devnet."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examples.cross_border import walk_through
from tests.support.devnet import GENESIS, in_process_devnet

pytestmark = pytest.mark.integration


async def test_cross_border_walk_through_delivers_eur_paying_usd(tmp_path: Path) -> None:
    async with in_process_devnet(tmp_path, validators=3) as (devnet, _watch):
        outcome = await walk_through(devnet.endpoints()[0].json_rpc, GENESIS.seed)
    assert outcome["result"] == "tesSUCCESS"
    assert Decimal(outcome["delivered"]) == 100
    # EUR 100 at the maker's 1,090 USD per 1,000 EUR costs Alice USD 109 of her 500.
    assert Decimal(outcome["alice_usd"]) == 391
