"""The bytes a mixed workload produces are pinned: ledger hashes (state tree, transaction tree
with metadata, header) and every result, computed before the engine's hot paths were optimised.

Every speed-up of the ledger, the apply pipeline or the payment engine (read caches, book
indexes, metadata from pre-serialised fields, cheaper invariants) must leave all of them exactly
as they were: validators running different builds must still agree on every byte. The workload
goes through the real pipeline (Env: signed transactions, the open ledger, then build_ledger with
canonical order, metadata and threading at each close) and mixes XRP and IOU payments, trust
lines, a transfer rate, offers at many qualities, partial and full crossings within one ledger
and across ledgers, cross-currency payments through two books, cancels, replacements, tfSell,
fill-or-kill and immediate-or-cancel offers, offers left unfunded and removed, and tec results.
"""

from __future__ import annotations

from hashlib import sha512

from tests.support.env import XRP, Env
from xpay.amounts import STAmount
from xpay.protocol.flags import tfFillOrKill, tfImmediateOrCancel, tfPartialPayment, tfSell
from xpay.protocol.ids import XRP_CURRENCY
from xpay.protocol.transaction_types import TransactionType


def _workload() -> tuple[list[str], list[str], Env]:
    """(hash of each closed ledger, the open-ledger result of each submission, the Env)."""
    env = Env()
    results: list[str] = []
    hashes: list[str] = []

    def submit(fields: dict[str, object]) -> None:
        results.append(env.submit(env.tx(fields)).result.name)

    def pay(src: str, dst: str, amount: STAmount, **more: object) -> None:
        submit({"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": amount, **more})

    def offer(who: str, pays: STAmount, gets: STAmount, flags: int = 0, **more: object) -> None:
        fields: dict[str, object] = {"TransactionType": TransactionType.OfferCreate, "Account": who, "TakerPays": pays, "TakerGets": gets, **more}
        if flags:
            fields["Flags"] = flags
        submit(fields)

    def close() -> None:
        hashes.append(env.close().hash.hex().upper())

    usd, eur = env.iou("gw1", "USD"), env.iou("gw2", "EUR")
    people = ["alice", "bob", "carol", "dan", "eve", "mm1", "mm2", "mm3"]
    env.fund(XRP(100_000), "gw1", "gw2", *people)
    close()
    submit({"TransactionType": TransactionType.AccountSet, "Account": "gw1", "TransferRate": 1_002_000_000})
    for who in people:
        env.trust(who, usd(1_000_000))
        env.trust(who, eur(1_000_000))
    close()
    for who in ("alice", "bob", "mm1", "mm3"):
        pay("gw1", who, usd(10_000))
    for who in ("mm1", "mm2", "mm3", "bob"):
        pay("gw2", who, eur(10_000))
    pay("gw1", "dan", usd(30))
    pay("gw1", "eve", usd(10))
    close()

    # Books: USD/XRP both ways, EUR/XRP, USD/EUR; several offers per quality.
    for i in range(12):
        offer("mm1", XRP(2 + i % 4), usd(1 + i % 3))
        offer("mm1", usd(1 + i % 2), XRP(1))
        offer("mm2", XRP(3 + i % 5), eur(2))
        offer("mm3", eur(1 + i % 3), usd(1 + i % 2))
    offer("dan", XRP(40), usd(25))  # funded now, unfunded after dan pays his USD away
    offer("eve", XRP(15), usd(10))  # funded now, not once eve pays her USD back
    offer("mm2", usd(5), eur(4), tfSell)
    offer("carol", usd(5), XRP(10), Expiration=env.ledger.close_time - 1)  # tecEXPIRED
    offer("carol", usd(5), eur(5))  # carol has no EUR: unfunded
    close()

    pay("dan", "gw1", usd(30))  # dan's offer is unfunded now: the first crossing removes it
    # Crossings inside one ledger, each consuming the book's best levels.
    for n in range(6):
        offer("alice", usd(2 + n), XRP(10 + 3 * n))
    offer("bob", XRP(8), usd(4), tfSell)
    offer("bob", usd(100), XRP(1), tfImmediateOrCancel)
    offer("carol", usd(1000), XRP(1000), tfFillOrKill)
    # Rippling IOU payments, a cross-currency payment through two books, a partial payment.
    for n in range(5):
        pay("alice", "bob", usd(3 + n), SendMax=usd(4 + n))
        pay("bob", "carol", usd(1), SendMax=usd(2))
    pay("bob", "carol", usd(1))  # no SendMax for the transfer fee: tecPATH_PARTIAL
    pay("alice", "carol", eur(2), SendMax=usd(10), Paths=[[{"currency": XRP_CURRENCY}]])
    pay("bob", "dan", eur(50), SendMax=usd(3), Flags=tfPartialPayment, Paths=[[{"currency": XRP_CURRENCY}]])
    pay("alice", "bob", eur(2), SendMax=usd(4))  # through the USD/EUR book
    pay("eve", "gw1", usd(10))
    pay("carol", "newcomer1", XRP(50))  # creates an account
    pay("carol", "bob", XRP(10_000_000))  # tecUNFUNDED_PAYMENT
    close()

    seq = env.seq("mm1")
    submit({"TransactionType": TransactionType.OfferCancel, "Account": "mm1", "OfferSequence": seq - 3})
    offer("mm2", XRP(7), eur(3), OfferSequence=env.seq("mm2") - 2)  # replaces an older offer
    offer("mm3", usd(4), eur(9))
    for n in range(4):
        offer("carol", XRP(30), usd(6 + n))  # crosses the USD bids
        offer("bob", eur(1 + n), usd(1 + n), tfSell)
    pay("mm1", "alice", usd(500), SendMax=usd(502))
    offer("bob", usd(40), XRP(400))  # deep into the asks: finds eve's offer unfunded
    submit({"TransactionType": TransactionType.TrustSet, "Account": "dan", "LimitAmount": eur(0)})
    close()
    return hashes, results, env


def _busy_ledger() -> tuple[str, list[str]]:
    """One ledger of many transactions over a deep book: placements at many qualities, a run of
    crossings each eating the book's best level (and levels emptied earlier in the same ledger),
    rippling IOU payments and XRP payments, interleaved: (its hash, the build results)."""
    env = Env(check_signatures=False)
    usd = env.iou("gw", "USD")
    makers = [f"maker{i}" for i in range(8)]
    takers = [f"taker{i}" for i in range(8)]
    env.fund(XRP(1_000_000), "gw", *makers, *takers)
    env.close()
    for who in makers + takers:
        env.trust(who, usd(10_000_000))
    env.close()
    for who in makers + takers:
        env.pay("gw", who, usd(100_000))
    env.close()
    for i in range(160):
        env.offer(makers[i % 8], XRP(2 + i % 40), usd(1))  # asks: 40 qualities
        env.offer(makers[i % 8], usd(1), XRP(1 + i % 30) if i % 3 else XRP(1))  # bids
    env.close()
    for i in range(120):
        taker = takers[i % 8]
        env.offer(taker, usd(1), XRP(3 + i // 8))  # crosses the best ask
        env.offer(taker, usd(2), XRP(1 + i % 7))  # placed below every ask
        env.pay(taker, takers[(i * 3 + 1) % 8], usd(1 + i % 5))
        env.pay(taker, makers[i % 8], XRP(1 + i))
    ledger = env.close()
    assert env.last_report is not None
    return ledger.hash.hex().upper(), [r.name for r in env.last_report.results.values()]


PINNED_BUSY_HASH = "77C846FC02E75ACFECBEB347BEEA200BA8939838C881886209FB42B2351047EC"


def test_busy_ledger_hash_is_pinned() -> None:
    digest, results = _busy_ledger()
    assert results == ["tesSUCCESS"] * 480
    assert digest == PINNED_BUSY_HASH


PINNED_HASHES = [
    "C11CE34706D9F32AE9A4E2165E31B0461FFF97DA701DCEA58599B38AD2626339",
    "33DC0D91D1F26AC69D2D8A05EA2A5097A6481605B950C7273A9E4AD6187B619B",
    "232439C45BB224E7CA0F482038E1B8A41F575D08930F12CE48E3F78BC4B6BE32",
    "4E60A0F92CC98DF52C03B151A303930907B92E9E66BFAD0FD06DBB1A8C2C9935",
    "F9EDD70A68607FDDF34389BDCCCA8FBDB72641DE4DD9C7C9D7480E8F565D46C4",
    "AF4E04FC59669FCAE65293F01182E5156B899B883C8D1627427BDDEA677AA8AF",
]
"""Computed with the engine as it was before the hot-path optimisations (commit f5a41ae)."""
PINNED_RESULTS_SHA512 = "81e71caca91c62056c0fe8dbd5e8ee4b"


def test_mixed_workload_ledger_hashes_and_results_are_pinned() -> None:
    hashes, results, _env = _workload()
    assert sha512("\n".join(results).encode()).hexdigest()[:32] == PINNED_RESULTS_SHA512, results
    assert hashes == PINNED_HASHES


def test_mixed_workload_is_not_trivial() -> None:
    """The workload exercises what the pin is for: crossings, tec results, many ledgers."""
    hashes, results, env = _workload()
    assert len(set(hashes)) == len(hashes) == 6
    assert results.count("tesSUCCESS") > 90
    assert {"tecEXPIRED", "tecUNFUNDED_OFFER", "tecKILLED", "tecUNFUNDED_PAYMENT"} <= set(results)
    # eve's offer, unfunded once she paid her USD back, was removed by a crossing.
    assert env.offers("eve") == [] and env.owner_count("eve") == 2
    assert env.offers("dan") == [] and len(env.offers("mm1")) < 24
