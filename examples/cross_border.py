"""The README's walk-through, with the SDK: two banks, a market maker, one cross-border payment.

    .venv/bin/xpay devnet &                       # in another terminal
    .venv/bin/python examples/cross_border.py     # uses validator 0 of the devnet

A US bank issues USD, a European bank issues EUR, a market maker sells EUR for USD, and Alice
(a customer of the US bank) pays Bob (a customer of the European bank) EUR 100, paying in USD:
one Payment, settled through two trust lines and an order book, atomically.
"""

from __future__ import annotations

import argparse
import asyncio

from xpay.client import (
    AccountSet,
    AccountSetAsfFlag,
    Client,
    OfferCreate,
    Payment,
    TrustSet,
    Wallet,
    iou,
    xrp,
)
from xpay.node.devnet import DEVNET_GENESIS_SEED


async def walk_through(url: str, genesis_seed: str) -> dict[str, str]:
    genesis = Wallet.from_seed(genesis_seed)
    us_bank, eu_bank, maker, alice, bob = (Wallet.generate() for _ in range(5))
    async with Client(url) as client:

        async def submit(tx: object, wallet: Wallet) -> int:
            record = await client.submit_and_wait(tx, wallet)  # type: ignore[arg-type]
            return record.ledger_index

        print("1. The genesis account funds two banks, a market maker, Alice and Bob with XPY")
        for wallet in (us_bank, eu_bank, maker, alice, bob):
            await submit(Payment(account=genesis.address, destination=wallet.address, amount=xrp("1000")), genesis)

        print("2. The banks let their IOUs ripple between their customers (DefaultRipple)")
        for bank in (us_bank, eu_bank):
            await submit(AccountSet(account=bank.address, set_flag=AccountSetAsfFlag.asfDefaultRipple), bank)

        print("3. Customers trust their bank: Alice and the maker for USD, Bob and the maker for EUR")
        USD = lambda v: iou(v, "USD", us_bank.address)  # noqa: E731
        EUR = lambda v: iou(v, "EUR", eu_bank.address)  # noqa: E731
        await submit(TrustSet(account=alice.address, limit_amount=USD("10000")), alice)
        await submit(TrustSet(account=maker.address, limit_amount=USD("10000")), maker)
        await submit(TrustSet(account=maker.address, limit_amount=EUR("10000")), maker)
        await submit(TrustSet(account=bob.address, limit_amount=EUR("10000")), bob)

        print("4. The banks issue: USD 500 to Alice, EUR 1,000 to the market maker")
        await submit(Payment(account=us_bank.address, destination=alice.address, amount=USD("500")), us_bank)
        await submit(Payment(account=eu_bank.address, destination=maker.address, amount=EUR("1000")), eu_bank)

        print("5. The market maker offers EUR 1,000 for USD 1,090 (0.9174 EUR per USD)")
        await submit(OfferCreate(account=maker.address, taker_gets=EUR("1000"), taker_pays=USD("1090")), maker)

        print("6. Alice pays Bob EUR 100, spending at most USD 110: one Payment through the book")
        record = await client.submit_and_wait(
            Payment(account=alice.address, destination=bob.address, amount=EUR("100"), send_max=USD("110")),
            alice,
        )
        delivered = record.raw["meta"]["delivered_amount"]
        print(f"   {record.engine_result} in validated ledger {record.ledger_index}: Bob received EUR {delivered['value']}")
        lines = [line async for line in client.account_lines(alice.address)]
        print(f"   Alice's USD balance is now {lines[0].balance}")
        return {"result": record.engine_result, "delivered": delivered["value"], "alice_usd": str(lines[0].balance)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5005/", help="a node's JSON-RPC URL")
    parser.add_argument("--genesis-seed", default=DEVNET_GENESIS_SEED)
    args = parser.parse_args()
    asyncio.run(walk_through(args.url, args.genesis_seed))


if __name__ == "__main__":
    main()
