"""The ledger as a state machine: random accounts, trust lines, XRP and IOU payments, checked
after every transaction (DESIGN.md's invariants, checked from outside the engine).

After every step:
* all the XRP in account roots plus every fee ever burned is still the genesis amount;
* every trust line is one balance seen from two sides (antisymmetric), its fields are sane,
  and a payment never pushed a holder's balance past its limit;
* each account's OwnerCount equals the objects in its owner directory it reserves for, and
  every line is listed in both its accounts' directories;
* a failed transaction changed nothing but the fee and the sequence (tec) or nothing (others);
* the closed ledger built from the open ledger's transactions gave the same results, holds
  the same entries as the open ledger did (threading aside), and its incrementally updated
  state hash equals a from-scratch rebuild of the state map.

Each step's transactions come from one account, so the canonical order at close is the order
they were applied in the open ledger, and results must match exactly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.support.env import XRP, Env
from xpay.amounts import Issue, STAmount, XRPAmount, currency_from_code
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import THREADED_TYPES, AccountRoot, Entry, Offer, RippleState
from xpay.ledger.ledger import INITIAL_DROPS, STATE_LEAVES
from xpay.ledger.shamap import SHAMap
from xpay.protocol.flags import (
    asfDefaultRipple,
    asfGlobalFreeze,
    asfNoFreeze,
    asfRequireDest,
    lsfHighReserve,
    lsfLowReserve,
    tfClearFreeze,
    tfPartialPayment,
    tfSetFreeze,
    tfSetNoRipple,
)
from xpay.protocol.ids import ACCOUNT_ONE, AccountID, Hash256
from xpay.protocol.ter import TER, Tec, Tef, Tes
from xpay.protocol.transaction_types import TransactionType

GATEWAYS = ("gw0", "gw1")
CURRENCIES = ("USD", "EUR")
NAMES = tuple(f"user{i}" for i in range(6))
FEE = 10
ZERO_HASH = Hash256(bytes(32))
ENGINE_FAULTS = frozenset(
    {Tec.tecINVARIANT_FAILED, Tef.tefINVARIANT_FAILED, Tef.tefEXCEPTION, Tef.tefINTERNAL, Tef.tefBAD_LEDGER, Tec.tecINTERNAL}
)

xrp_drops = st.one_of(st.integers(1, 2_000) , st.integers(1, 3_000) .map(lambda n: n * 1_000_000))
iou_values = st.one_of(st.integers(1, 1_500).map(str), st.decimals(min_value=0, max_value=100, places=3).map(str))


def _strip(entry: Entry) -> Entry:
    """The entry without its threading fields (only a closed ledger threads)."""
    if type(entry) in THREADED_TYPES:
        return entry._replace(previous_txn_id=ZERO_HASH, previous_txn_lgr_seq=0)  # type: ignore[call-arg, union-attr]
    return entry


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.env = Env()
        self.funded: list[str] = []
        self.lines: set[tuple[str, str, str]] = set()
        self.fees_paid = 0
        self.steps = 0

    @initialize()
    def gateways(self) -> None:
        self.env.fund(XRP(10_000), *GATEWAYS)
        self.env.close()
        self.fees_paid += FEE * 2 * len(GATEWAYS)  # each fund is a payment and an AccountSet
        self.funded.extend(GATEWAYS)

    # --- submitting, with the per-transaction checks ------------------------------------------

    def _submit(self, fields_list: list[dict[str, Any]]) -> list[TER]:
        """Submit transactions from one account, check what each failure left, close, and
        check the closed ledger against the open one."""
        env = self.env
        results = []
        applied: dict[Hash256, TER] = {}
        for fields in fields_list:
            src = env._id(fields["Account"])
            items, burned = dict(env.open.items), env.open.destroyed_drops
            before = env.open.read(keylet.account(src))
            tx = env.tx(fields)
            outcome = env.submit(tx)
            result = outcome.result
            results.append(result)
            # The engine's own invariant checks and catch-all must never have fired.
            assert result not in ENGINE_FAULTS, f"{tx!r}: {result.name}"
            if outcome.applied:
                applied[tx.id] = result
            if result is Tes.tesSUCCESS:
                continue
            if outcome.applied:  # a claimed tec: fee and sequence only
                after = env.open.read(keylet.account(src))
                assert before is not None and after is not None
                assert after == before._replace(balance=XRPAmount(before.balance.drops - FEE), sequence=before.sequence + 1)
                changed = {k for k in items.keys() | env.open.items.keys() if items.get(k, 0) != env.open.items.get(k, 0)}
                assert changed == {keylet.account(src).key}
                assert env.open.destroyed_drops == burned + FEE
            else:  # tem / tef / tel / ter: nothing
                assert env.open.items == items and env.open.destroyed_drops == burned
        self._close_and_compare(applied)
        self.fees_paid += FEE * len(applied)
        self.steps += 1
        return results

    def _close_and_compare(self, applied: dict[Hash256, TER]) -> None:
        env = self.env
        parent = env.ledger
        open_items = dict(env.open.items)
        burned = env.open.destroyed_drops
        ledger = env.close()
        assert env.last_report is not None
        assert env.last_report.results == applied
        assert not env.last_report.failed and not env.last_report.retriable
        assert ledger.header.total_coins == parent.header.total_coins - burned
        # Same entries as the open ledger held (threading aside); nothing else changed but
        # threading of accounts owning created or deleted entries.
        for key, entry in open_items.items():
            now = ledger.read_key(key)
            if entry is None:
                assert now is None
            else:
                assert now is not None and _strip(now) == _strip(entry)
        for key, entry in ledger.state.items():
            if key not in open_items:
                old = parent.read_key(key)
                assert old is not None and _strip(old) == _strip(entry)
        rebuilt: SHAMap[Entry] = SHAMap(STATE_LEAVES)
        rebuilt = rebuilt.apply(list(ledger.state.items()))
        assert rebuilt.root_hash() == ledger.header.account_hash

    # --- rules ----------------------------------------------------------------------------------

    @precondition(lambda self: len(self.funded) < len(GATEWAYS) + len(NAMES))
    @rule(data=st.data(), drops=st.integers(9_000_000, 200_000_000))
    def create_account(self, data: st.DataObject, drops: int) -> None:
        """An XRP payment to an account that does not exist yet (tecNO_DST_INSUF_XRP below the
        reserve)."""
        src = data.draw(st.sampled_from(self.funded))
        new = next(n for n in NAMES if n not in self.funded)
        (result,) = self._submit([{"TransactionType": TransactionType.Payment, "Account": src, "Destination": new, "Amount": STAmount.from_drops(drops)}])
        if result is Tes.tesSUCCESS:
            self.funded.append(new)

    def _other(self, data: st.DataObject, src: str, pool: list[str] | None = None) -> str:
        """Another account of the pool, now and then the same one (temREDUNDANT)."""
        pool = pool if pool is not None else self.funded
        others = [n for n in pool if n != src]
        if not others or data.draw(st.integers(0, 19)) == 0:
            return src
        return data.draw(st.sampled_from(others))

    @rule(data=st.data(), drops=xrp_drops)
    def pay_xrp(self, data: st.DataObject, drops: int) -> None:
        src = data.draw(st.sampled_from(self.funded))
        dst = self._other(data, src)
        self._submit([{"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": STAmount.from_drops(drops)}])

    @rule(data=st.data(), payments=st.lists(xrp_drops, min_size=2, max_size=5))
    def several_xrp_payments_from_one_account(self, data: st.DataObject, payments: list[int]) -> None:
        src = data.draw(st.sampled_from(self.funded))
        txs = [
            {"TransactionType": TransactionType.Payment, "Account": src, "Destination": self._other(data, src), "Amount": STAmount.from_drops(d)}
            for d in payments
        ]
        self._submit(txs)

    @rule(data=st.data(), limit=st.integers(0, 1_000), no_ripple=st.booleans())
    def trust(self, data: st.DataObject, limit: int, no_ripple: bool) -> None:
        gw = data.draw(st.sampled_from(GATEWAYS))
        holder = self._other(data, gw)
        currency = data.draw(st.sampled_from(CURRENCIES))
        fields: dict[str, Any] = {
            "TransactionType": TransactionType.TrustSet,
            "Account": holder,
            "LimitAmount": self.env.iou(gw, currency)(limit),
        }
        if no_ripple:
            fields["Flags"] = tfSetNoRipple
        self._submit([fields])
        if holder != gw:
            self.lines.add((holder, gw, currency))

    @rule(data=st.data(), value=iou_values, partial=st.booleans())
    def pay_iou(self, data: st.DataObject, value: str, partial: bool) -> None:
        gw = data.draw(st.sampled_from(GATEWAYS))
        currency = data.draw(st.sampled_from(CURRENCIES))
        src = data.draw(st.sampled_from(self.funded))
        dst = self._other(data, src)
        self._pay_iou(src, dst, gw, currency, value, partial)

    def _pay_iou(self, src: str, dst: str, gw: str, currency: str, value: str, partial: bool) -> None:
        """An IOU payment; afterwards no holder's balance grew past its limit."""
        amount = self.env.iou(gw, currency)(value)
        fields: dict[str, Any] = {"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": amount}
        if partial:
            fields["Flags"] = tfPartialPayment
        before = {name: self._holding(name, gw, currency) for name in self.funded if name != gw}
        self._submit([fields])
        for name, old in before.items():
            new = self._holding(name, gw, currency)
            if new > old:
                limit = self._limit(name, gw, currency)
                assert new <= limit, f"{name} holds {new} {currency}, above its limit {limit}"

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data(), value=iou_values)
    def issue_on_a_line(self, data: st.DataObject, value: str) -> None:
        """The gateway pays a holder that trusts it (usually within the limit)."""
        holder, gw, currency = data.draw(st.sampled_from(sorted(self.lines)))
        self._pay_iou(gw, holder, gw, currency, value, partial=False)

    @precondition(lambda self: len(self.lines) >= 2)
    @rule(data=st.data(), value=iou_values, partial=st.booleans())
    def ripple_between_holders(self, data: st.DataObject, value: str, partial: bool) -> None:
        """One holder pays another in the same gateway's currency, through the gateway."""
        src, gw, currency = data.draw(st.sampled_from(sorted(self.lines)))
        dst = self._other(data, src, sorted(h for h, g, c in self.lines if (g, c) == (gw, currency)))
        self._pay_iou(src, dst, gw, currency, value, partial)

    @rule(
        data=st.data(),
        flag=st.sampled_from([asfDefaultRipple, asfGlobalFreeze, asfRequireDest, asfNoFreeze]),
        clear=st.booleans(),
        rate=st.one_of(st.none(), st.sampled_from([0, 1_000_000_000, 1_002_000_000, 1_500_000_000])),
    )
    def gateway_settings(self, data: st.DataObject, flag: int, clear: bool, rate: int | None) -> None:
        """A gateway sets or clears a flag, and perhaps its transfer rate."""
        gw = data.draw(st.sampled_from(GATEWAYS))
        fields: dict[str, Any] = {"TransactionType": TransactionType.AccountSet, "Account": gw}
        fields["ClearFlag" if clear else "SetFlag"] = flag
        if rate is not None:
            fields["TransferRate"] = rate
        self._submit([fields])

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data(), freeze=st.booleans())
    def gateway_freezes_a_line(self, data: st.DataObject, freeze: bool) -> None:
        holder, gw, currency = data.draw(st.sampled_from(sorted(self.lines)))
        self._submit(
            [
                {
                    "TransactionType": TransactionType.TrustSet,
                    "Account": gw,
                    "LimitAmount": self.env.iou(holder, currency)(0),
                    "Flags": tfSetFreeze if freeze else tfClearFreeze,
                }
            ]
        )

    # --- what the checks read ---------------------------------------------------------------------

    def _holding(self, name: str, gw: str, currency: str) -> STAmount:
        return self.env.balance(name, self.env.iou(gw, currency))

    def _limit(self, name: str, gw: str, currency: str) -> STAmount:
        line = self.env.line(name, gw, currency)
        issue = Issue(currency_from_code(currency), self.env.account(gw).account_id)
        if line is None:
            return STAmount.zero(issue)
        mine = line.low_limit if self.env.account(name).account_id < self.env.account(gw).account_id else line.high_limit
        return mine.with_issue(issue)

    # --- invariants after every step -----------------------------------------------------------

    @invariant()
    def xrp_plus_burned_fees_is_constant(self) -> None:
        """Every applied transaction (tes or tec) burned its fee, counted here independently."""
        ledger = self.env.ledger
        total = sum(e.balance.drops for _, e in ledger.state.items() if type(e) is AccountRoot)
        assert total + self.fees_paid == INITIAL_DROPS
        assert ledger.header.total_coins == total

    @invariant()
    def trust_lines_are_antisymmetric_and_sane(self) -> None:
        env = self.env
        for _, entry in env.ledger.state.items():
            if type(entry) is not RippleState:
                continue
            assert entry.balance.issue.account == ACCOUNT_ONE
            assert entry.low_account < entry.high_account
            assert not entry.low_limit.negative and not entry.high_limit.negative
            low_issue = Issue(entry.currency, entry.high_account)
            high_issue = Issue(entry.currency, entry.low_account)
            low_holds = env.balance(entry.low_account, low_issue)
            high_holds = env.balance(entry.high_account, high_issue)
            assert low_holds.mantissa == -high_holds.mantissa and low_holds.exponent == high_holds.exponent

    @invariant()
    def owner_counts_match_the_directories(self) -> None:
        env = self.env
        ledger = env.ledger
        listed: dict[AccountID, set[bytes]] = {}
        for _, entry in ledger.state.items():
            if type(entry) is not AccountRoot:
                continue
            keys = {key for _page, key in dir_entries(ledger, keylet.owner_dir(entry.account))}
            listed[entry.account] = keys
            reserved = 0
            for key in keys:
                obj = ledger.read_key(key)
                assert obj is not None, "directory names a missing entry"
                if type(obj) is RippleState:
                    flag = lsfLowReserve if obj.low_account == entry.account else lsfHighReserve
                    reserved += bool(obj.flags & flag)
                elif type(obj) is Offer:
                    reserved += 1
            assert entry.owner_count == reserved
        for key, entry in ledger.state.items():
            if type(entry) is RippleState:
                assert key in listed[entry.low_account] and key in listed[entry.high_account]


# Half the profile's examples (each is up to 40 ledgers): 50 by default, 1,000 with
# HYPOTHESIS_PROFILE=thorough.
LedgerMachine.TestCase.settings = settings(
    settings.default, max_examples=max(1, settings.default.max_examples // 2), stateful_step_count=40
)
TestLedgerMachine = LedgerMachine.TestCase

