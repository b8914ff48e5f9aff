"""Order-book invariants after any sequence of random offers, cancels and payments.

After every transaction (through the real pipeline, in an Env):

* every book iterates best quality first: its quality directories, met by `succ()` from the
  book's base, come in ascending key order and each directory's quality is its key's; within a
  quality, offers come in the order they were placed (time priority);
* every book-directory entry has its Offer, sitting in that directory, and every Offer is in its
  book directory (at BookNode) and its owner's directory (at OwnerNode); every owner-directory
  entry exists and belongs to the owner;
* no standing offer was crossed at a worse price than its own: what it received for what it gave
  is at least its rate (up to one unit in the last place of rounding);
* conservation: XRP plus burned fees is constant; for every issued currency the sum of holders'
  balances (computed exactly) never grows, and without transfer fees it never changes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.env import XRP, Env
from tests.unit.flow.jtx import book, jtx_trust, offer_cancel, rate
from xpay.amounts import STAmount, XRPAmount
from xpay.flow.book_tip import book_end, dir_first
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import AccountRoot, DirectoryNode, Entry, Offer, RippleState
from xpay.ledger.views import Fees
from xpay.protocol.flags import tfImmediateOrCancel, tfPartialPayment, tfPassive, tfSell
from xpay.protocol.transaction_types import TransactionType

TRADERS = ("t0", "t1", "t2", "t3")
FEES = Fees(XRPAmount(10), XRPAmount(10_000_000), XRPAmount(2_000_000))


def _exact(amount: STAmount) -> Fraction:
    if amount.native:
        return Fraction(amount.mantissa)
    return Fraction(amount.mantissa) * Fraction(10) ** amount.exponent


def _ulp(amount: STAmount) -> Fraction:
    if amount.native:
        return Fraction(1)
    return Fraction(10) ** amount.exponent if amount.mantissa else Fraction(0)


def _state(env: Env) -> dict[bytes, Entry]:
    merged: dict[bytes, Entry | None] = dict(env.ledger.state.items())
    merged.update(env.open.items)
    return {k: v for k, v in merged.items() if v is not None}


class World:
    def __init__(self, with_fees: bool) -> None:
        env = Env(fees=FEES, check_signatures=False)
        self.env = env
        self.gw1, self.gw2 = env.account("gw1"), env.account("gw2")
        self.USD, self.EUR = env.iou(self.gw1, "USD"), env.iou(self.gw2, "EUR")
        self.traders = [env.account(n) for n in TRADERS]
        env.fund(XRP(100000), self.gw1, self.gw2, *self.traders)
        if with_fees:
            rate(env, self.gw1, "1.01")
            rate(env, self.gw2, "1.25")
        for t in self.traders:
            jtx_trust(env, t, self.USD(100000))
            jtx_trust(env, t, self.EUR(100000))
            env.pay(self.gw1, t, self.USD(1000))
            env.pay(self.gw2, t, self.EUR(1000))
        env.close()
        self.age: dict[bytes, int] = {}
        self.clock = 0
        self.placed: dict[bytes, Offer] = {}
        # Standing ladders in every book, so random offers and payments meet liquidity. (Not
        # closed: a closed ledger replays its set in canonical order, which is not placement
        # order, and ages are taken as the offers appear.)
        t0, t1 = self.traders[0], self.traders[1]
        for step in range(1, 4):
            for a, b in ((self.USD, None), (self.EUR, None), (self.USD, self.EUR)):
                other = XRP(40 * step) if b is None else b(45 * step)
                env.offer(t0, a(50 * step), other)
                self.record()
                env.offer(t1, other if b is not None else XRP(60 * step), a(50 * step))
                self.record()
        self.with_fees = with_fees

    def amount(self, kind: int, value: int) -> STAmount:
        if kind == 0:
            return XRP(value)
        return (self.USD if kind == 1 else self.EUR)(value)

    def record(self) -> None:
        """Remember every offer's first appearance (its age) and original amounts."""
        for key, entry in _state(self.env).items():
            if isinstance(entry, Offer) and key not in self.age:
                self.clock += 1
                self.age[key] = self.clock
                self.placed[key] = entry

    # -- invariants --------------------------------------------------------------------------

    def check(self, previous: dict[bytes, Entry], xrp_total: int) -> None:
        env = self.env
        state = _state(env)
        view = env.open
        offers = {k: e for k, e in state.items() if isinstance(e, Offer)}

        # Books: directories met in key order, quality = key; time priority within a quality.
        book_roots: dict[bytes, list[bytes]] = {}
        for key, entry in state.items():
            if isinstance(entry, DirectoryNode) and entry.exchange_rate is not None and key == entry.root_index:
                book_roots.setdefault(key[:24], []).append(key)
        listed: set[bytes] = set()
        for base24, roots in book_roots.items():
            base = base24 + bytes(8)
            walked = []
            cursor: bytes | None = base
            while True:
                cursor = view.succ(cursor, book_end(base))  # type: ignore[arg-type]
                if cursor is None:
                    break
                if dir_first(view, cursor) is not None:
                    walked.append(cursor)
            assert walked == sorted(roots)
            for root in walked:
                node = state[root]
                assert isinstance(node, DirectoryNode)
                assert node.exchange_rate == keylet.quality_of(root)
                ages = []
                for page, key in dir_entries(view, keylet.page(root, 0)):
                    offer = offers.get(key)
                    assert offer is not None, "a book directory names a missing offer"
                    assert offer.book_directory == root and offer.book_node == page
                    ages.append(self.age[key])
                    listed.add(key)
                assert ages == sorted(ages), "time priority broken within a quality"
        assert listed == set(offers), "an offer is missing from its book directory"

        # Owner directories agree with the entries.
        owned: set[bytes] = set()
        for entry in state.values():
            if isinstance(entry, AccountRoot):
                for page, item in dir_entries(view, keylet.owner_dir(entry.account)):
                    target = state.get(item)
                    assert target is not None, "an owner directory names a missing entry"
                    if isinstance(target, Offer):
                        assert target.account == entry.account and target.owner_node == page
                        owned.add(item)
                    else:
                        assert isinstance(target, RippleState)
                        assert entry.account in (target.low_account, target.high_account)
        assert owned == set(offers)

        # No standing offer crossed at a worse price than its own.
        for key, offer in offers.items():
            before = previous.get(key)
            if isinstance(before, Offer) and (before.taker_pays != offer.taker_pays):
                original = self.placed[key]
                received = _exact(before.taker_pays) - _exact(offer.taker_pays)
                given_ = _exact(before.taker_gets) - _exact(offer.taker_gets)
                price = _exact(original.taker_pays) / _exact(original.taker_gets)
                assert received >= given_ * price - _ulp(before.taker_pays), "offer crossed below its price"

        # Conservation.
        total_xrp = sum(e.balance.drops for e in state.values() if isinstance(e, AccountRoot))
        assert total_xrp + env.open.destroyed_drops == xrp_total, "XRP created or lost"
        for iou in (self.USD, self.EUR):
            now, dust = self._obligations(state, iou)
            then, dust_before = self._obligations(previous, iou)
            # A line balance keeps 16 digits: crediting or debiting a large balance truncates the
            # amount at its last place, so totals move by up to that much (rippled has no IOU
            # conservation invariant for this reason). Beyond that dust, nothing is created,
            # and nothing is lost but transfer fees, which shrink the issuer's obligations.
            slack = dust + dust_before
            assert now <= then + slack, f"{iou} obligations grew"
            if not self.with_fees:
                assert now >= then - slack, f"{iou} obligations shrank without a fee"

    def _obligations(self, state: dict[bytes, Entry], iou: Any) -> tuple[Fraction, Fraction]:
        """The issuer's total obligations in `iou` (exact), and the sum of the last-place units
        of the balances that make it up."""
        total = Fraction(0)
        dust = Fraction(0)
        issuer = iou.issue.account
        for entry in state.values():
            if isinstance(entry, RippleState) and entry.currency == iou.issue.currency and issuer in (entry.low_account, entry.high_account):
                held = entry.balance if issuer == entry.high_account else -entry.balance
                total += _exact(held)
                dust += _ulp(held)
        return total, dust


amounts = st.integers(min_value=1, max_value=400)
kinds = st.integers(min_value=0, max_value=2)
ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("offer"),
            st.integers(0, 3),
            kinds,
            amounts,
            kinds,
            amounts,
            st.sampled_from([0, tfPassive, tfSell, tfImmediateOrCancel]),
        ),
        st.tuples(st.just("pay"), st.integers(0, 3), st.integers(0, 3), kinds, amounts, kinds, amounts, st.booleans()),
        st.tuples(st.just("cancel"), st.integers(0, 3), st.integers(0, 8)),
    ),
    min_size=3,
    max_size=16,
)


def _submit(env: Env, fields: dict[str, Any]) -> None:
    """Submit; any result will do (the invariants are what is checked) but tefEXCEPTION, which
    means the transactor raised."""
    result = env.submit(env.tx(fields)).result
    assert result.name != "tefEXCEPTION", f"{fields['TransactionType'].name} raised"


def _run(world: World, operations: list[tuple[Any, ...]]) -> None:
    env = world.env
    xrp_total = sum(e.balance.drops for e in _state(env).values() if isinstance(e, AccountRoot)) + env.open.destroyed_drops
    for op in operations:
        previous = _state(env)
        if op[0] == "offer":
            _, who, pk, pv, gk, gv, flags = op
            if pk == gk:
                continue
            _submit(env, {
                "TransactionType": TransactionType.OfferCreate,
                "Account": world.traders[who],
                "TakerPays": world.amount(pk, pv),
                "TakerGets": world.amount(gk, gv),
                "Flags": flags,
            })
        elif op[0] == "pay":
            _, src, dst, dk, dv, sk, sv, partial = op
            if dk == 0 and sk == 0:
                continue
            if src == dst and dk == sk:
                continue
            fields: dict[str, Any] = {
                "TransactionType": TransactionType.Payment,
                "Account": world.traders[src],
                "Destination": world.traders[dst],
                "Amount": world.amount(dk, dv),
                "SendMax": world.amount(sk, sv),
            }
            if dk != sk and dk != 0 and sk != 0:
                fields["Paths"] = [[book(None)]]
            if partial:
                fields["Flags"] = tfPartialPayment
            _submit(env, fields)
        else:
            _, who, index = op
            mine = env.offers(world.traders[who])
            if not mine:
                continue
            offer_cancel(env, world.traders[who], mine[index % len(mine)].sequence)
        world.record()
        world.check(previous, xrp_total)


@settings(max_examples=40)
@given(ops)
def test_books_stay_consistent_without_transfer_fees(operations: list[tuple[Any, ...]]) -> None:
    _run(World(with_fees=False), operations)


@settings(max_examples=25)
@given(ops)
def test_books_stay_consistent_with_transfer_fees(operations: list[tuple[Any, ...]]) -> None:
    _run(World(with_fees=True), operations)
