"""account_offers and book_offers over a real node: order, funding, and what a partly funded
offer can deliver (rippled's getBookPage)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.api.scenario import ALICE, BOB, GW, scenario, usd

XRP = {"currency": "XRP"}


async def test_offers_are_listed_best_first_with_their_funding(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        # Bob holds 30 USD and offers 10, then 25 more, for XRP; alice offers 5 at a worse price.
        await s.submit("bob_offer_1", {"TransactionType": "OfferCreate", "TakerGets": usd("10"), "TakerPays": "20000000"}, BOB)
        await s.submit("bob_offer_2", {"TransactionType": "OfferCreate", "TakerGets": usd("25"), "TakerPays": "50000000"}, BOB)
        await s.submit("alice_offer", {"TransactionType": "OfferCreate", "TakerGets": usd("5"), "TakerPays": "15000000"}, ALICE)
        await s.close()

        mine = await s.ok("account_offers", account=BOB.address, ledger_index="validated")
        assert [o["seq"] for o in mine["offers"]] and len(mine["offers"]) == 2
        assert {o["taker_gets"]["value"] for o in mine["offers"]} == {"10", "25"}
        assert all(o["quality"] == "2000000" for o in mine["offers"])
        paged = await s.ok("account_offers", account=BOB.address, limit=1, admin=True)
        assert len(paged["offers"]) == 1 and "marker" in paged
        rest = await s.ok("account_offers", account=BOB.address, limit=1, marker=paged["marker"], admin=True)
        assert len(rest["offers"]) == 1 and rest["offers"][0]["seq"] != paged["offers"][0]["seq"]

        book = await s.ok("book_offers", taker_pays=XRP, taker_gets={"currency": "USD", "issuer": GW.address})
        offers = book["offers"]
        assert [o["Account"] for o in offers] == [BOB.address, BOB.address, ALICE.address]
        first, second, third = offers
        assert first["owner_funds"] == "30" and "taker_gets_funded" not in first
        # Bob's second offer can only be filled with what his first leaves him: 20 of 25 USD.
        assert "owner_funds" not in second
        assert second["taker_gets_funded"]["value"] == "20" and second["taker_pays_funded"] == "40000000"
        assert third["owner_funds"] == "70" and third["quality"] == "3000000"
        usd_side = {"currency": "USD", "issuer": GW.address}
        limited = await s.ok("book_offers", taker_pays=XRP, taker_gets=usd_side, limit=1)
        assert len(limited["offers"]) == 1
        assert (await s.ok("book_offers", taker_gets=XRP, taker_pays=usd_side))["offers"] == []

        for params, token in (
            ({"taker_gets": XRP}, "invalidParams"),
            ({"taker_pays": XRP, "taker_gets": XRP}, "badMarket"),
            ({"taker_pays": {"currency": "US"}, "taker_gets": XRP}, "srcCurMalformed"),
            ({"taker_pays": {"currency": "USD"}, "taker_gets": XRP}, "srcIsrMalformed"),
            ({"taker_pays": XRP, "taker_gets": {"currency": "USD", "issuer": "bad"}}, "dstIsrMalformed"),
            ({"taker_pays": XRP, "taker_gets": {"currency": "XRP", "issuer": GW.address}}, "dstIsrMalformed"),
            ({"taker_pays": XRP, "taker_gets": {"currency": "USD", "issuer": GW.address}, "limit": "x"}, "invalidParams"),
        ):
            assert (await s.error("book_offers", **params))["error"] == token, params
