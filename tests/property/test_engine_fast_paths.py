"""The engine's fast paths against their slow references, on random ledger entries and changes.

* field_encoder (one field's ID and value bytes) against encode_native of that one field;
* entries.serialize (what the state tree hashes) against encode_native(to_fields(entry));
* build_metadata_blob (metadata straight from the entries' field bytes) against
  encode_native(build_metadata(...)), and the same threaded entries to write;
* invariants_hold (the invariant checkers fused into one pass) against invariant_failures (the
  checker classes), on change sets built to break each invariant as well as to keep them.

Entries are drawn field by field with values of every shape an entry may hold (absent optional
fields, defaults, zero and negative amounts, XRP and IOU amounts), so the rules that depend on
values (NewFields skips defaults; PreviousFields lists what changed) are all exercised.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.env import XRP, Env
from xpay.amounts import Issue, STAmount, XRPAmount
from xpay.codec.native import encode_native, field_encoder
from xpay.ledger import keylet
from xpay.ledger.entries import (
    AccountRoot,
    DirectoryNode,
    Entry,
    FeeSettings,
    LedgerHashes,
    Offer,
    RippleState,
    serialize,
    to_fields,
)
from xpay.ledger.metadata import build_metadata, build_metadata_blob
from xpay.ledger.views import ERASE, INSERT, MODIFY, OpenView
from xpay.protocol.flags import lsfHighReserve, lsfLowReserve
from xpay.protocol.ids import ACCOUNT_ONE, AccountID, Currency, Hash256
from xpay.protocol.ter import Tec, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.invariants import invariant_failures, invariants_hold
from xpay.tx.transaction import Transaction

# A few accounts, so that owners, trust-line sides and threading collide often.
ACCOUNTS = [AccountID(bytes([i]) * 20) for i in (3, 7, 9, 200)]
CURRENCY = Currency(b"\x00" * 12 + b"USD\x00\x00\x00\x00\x00")

accounts = st.sampled_from(ACCOUNTS)
hashes = st.one_of(st.just(Hash256(bytes(32))), st.binary(min_size=32, max_size=32).map(Hash256))
uint32 = st.one_of(st.just(0), st.integers(0, 2**32 - 1))
uint64 = st.one_of(st.just(0), st.integers(0, 2**64 - 1))
drops = st.one_of(st.just(0), st.integers(-(10**17), 10**17))
xrp_amounts = drops.map(XRPAmount)


def ious(issuer: st.SearchStrategy[AccountID] = accounts) -> st.SearchStrategy[STAmount]:
    values = st.one_of(st.just(0), st.integers(-(10**18), 10**18))
    return st.builds(lambda v, e, a: STAmount(v, e, Issue(CURRENCY, a)), values, st.integers(-20, 20), issuer)


amounts = st.one_of(drops.map(STAmount.from_drops), ious())


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def account_roots(key: bytes) -> st.SearchStrategy[AccountRoot]:
    return st.builds(
        AccountRoot,
        key=st.just(Hash256(key)),
        account=accounts,
        balance=xrp_amounts,
        sequence=uint32,
        owner_count=st.integers(0, 5),
        flags=uint32,
        previous_txn_id=hashes,
        previous_txn_lgr_seq=uint32,
        regular_key=optional(accounts),
        transfer_rate=optional(uint32),
        domain=optional(st.binary(max_size=10)),
        email_hash=optional(st.binary(min_size=16, max_size=16)),
        message_key=optional(st.binary(max_size=33)),
        tick_size=optional(st.integers(0, 255)),
        account_txn_id=optional(hashes),
    )


def ripple_states(key: bytes) -> st.SearchStrategy[RippleState]:
    return st.builds(
        RippleState,
        key=st.just(Hash256(key)),
        balance=ious(st.just(ACCOUNT_ONE)),
        low_limit=ious(),
        high_limit=ious(),
        flags=st.one_of(uint32, st.sampled_from([0, lsfLowReserve, lsfHighReserve, lsfLowReserve | lsfHighReserve])),
        low_node=optional(uint64),
        high_node=optional(uint64),
        low_quality_in=optional(uint32),
        low_quality_out=optional(uint32),
        high_quality_in=optional(uint32),
        high_quality_out=optional(uint32),
        previous_txn_id=hashes,
        previous_txn_lgr_seq=uint32,
    )


def directory_nodes(key: bytes) -> st.SearchStrategy[DirectoryNode]:
    return st.builds(
        DirectoryNode,
        key=st.just(Hash256(key)),
        root_index=hashes,
        indexes=st.lists(hashes, max_size=3).map(tuple),
        flags=uint32,
        owner=optional(accounts),
        index_next=optional(uint64),
        index_previous=optional(uint64),
        taker_pays_currency=optional(st.just(CURRENCY)),
        taker_pays_issuer=optional(accounts),
        taker_gets_currency=optional(st.just(Currency(bytes(20)))),
        taker_gets_issuer=optional(st.just(AccountID(bytes(20)))),
        exchange_rate=optional(uint64),
    )


def offers(key: bytes) -> st.SearchStrategy[Offer]:
    return st.builds(
        Offer,
        key=st.just(Hash256(key)),
        account=accounts,
        sequence=uint32,
        taker_pays=amounts,
        taker_gets=amounts,
        book_directory=hashes,
        book_node=uint64,
        owner_node=uint64,
        flags=uint32,
        expiration=optional(uint32),
        previous_txn_id=hashes,
        previous_txn_lgr_seq=uint32,
    )


def fee_settings(key: bytes) -> st.SearchStrategy[FeeSettings]:
    return st.builds(FeeSettings, key=st.just(Hash256(key)), base_fee_drops=xrp_amounts.filter(lambda a: a.drops >= 0), reserve_base_drops=xrp_amounts.filter(lambda a: a.drops >= 0), reserve_increment_drops=xrp_amounts.filter(lambda a: a.drops >= 0), flags=uint32)


def ledger_hashes(key: bytes) -> st.SearchStrategy[LedgerHashes]:
    return st.builds(LedgerHashes, key=st.just(Hash256(key)), hashes=st.lists(hashes, max_size=3).map(tuple), last_ledger_sequence=uint32, flags=uint32)


KINDS = [account_roots, ripple_states, directory_nodes, offers, fee_settings, ledger_hashes]


@st.composite
def entries(draw: st.DrawFn, key: bytes | None = None, kind: Any = None) -> Entry:
    key = key if key is not None else draw(st.binary(min_size=32, max_size=32))
    make = kind if kind is not None else draw(st.sampled_from(KINDS))
    entry: Entry = draw(make(key))
    return entry


def _kind_of(entry: Entry) -> Any:
    return KINDS[[AccountRoot, RippleState, DirectoryNode, Offer, FeeSettings, LedgerHashes].index(type(entry))]


# -- codec pieces --------------------------------------------------------------------------------


@given(entries())
def test_serialize_is_encode_native_of_the_fields(entry: Entry) -> None:
    valid = entry if type(entry) is not AccountRoot or abs(entry.balance.drops) <= 10**17 else None
    if valid is not None:
        assert serialize(entry) == encode_native(to_fields(entry))


@given(
    st.sampled_from(["Flags", "Sequence", "OwnerCount", "LowNode", "ExchangeRate", "TickSize", "LedgerEntryType"]),
    st.integers(0, 255),
)
def test_field_encoder_writes_what_encode_native_writes_for_ints(name: str, value: int) -> None:
    assert field_encoder(name)[1](value) == encode_native({name: value})


@given(
    st.sampled_from(["Account", "RegularKey", "Owner"]),
    accounts,
    st.sampled_from(["PreviousTxnID", "LedgerIndex", "RootIndex"]),
    hashes,
    st.sampled_from(["Balance", "TakerPays", "LowLimit", "DeliveredAmount"]),
    amounts,
    st.binary(max_size=300),
)
def test_field_encoder_writes_what_encode_native_writes(
    account_field: str, account: bytes, hash_field: str, digest: bytes, amount_field: str, amount: STAmount, blob: bytes
) -> None:
    for name, value in ((account_field, account), (hash_field, digest), (amount_field, amount), ("Domain", blob), ("Indexes", [digest, digest])):
        _key, encode = field_encoder(name)
        assert encode(value) == encode_native({name: value})
    # Sort keys order fields as encode_native does.
    pieces = sorted((field_encoder(n)[0], field_encoder(n)[1](v)) for n, v in ((account_field, account), (hash_field, digest), ("Flags", 7)))
    assert b"".join(p for _, p in pieces) == encode_native({account_field: account, hash_field: digest, "Flags": 7})


# -- metadata ------------------------------------------------------------------------------------


def _base() -> tuple[Env, OpenView]:
    env = Env(check_signatures=False)
    env.fund(XRP(1000), "alice")
    env.close()
    return env, env.ledger.open_view(build=True)


@st.composite
def change_sets(draw: st.DrawFn) -> tuple[list[Entry], list[tuple[bytes, int, Entry]]]:
    """(entries in the base, changes over them: modified, erased, created), keys distinct."""
    keys = draw(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=6, unique=True))
    # Account roots of the owners, so that threading finds some of them.
    roots = [draw(account_roots(keylet.account(a).key)) for a in draw(st.lists(accounts, max_size=3, unique=True))]
    roots = [r._replace(account=ACCOUNTS[[keylet.account(a).key for a in ACCOUNTS].index(r.key)]) for r in roots]
    base: list[Entry] = list(roots)
    changes: list[tuple[bytes, int, Entry]] = []
    for key in keys:
        action = draw(st.sampled_from([INSERT, MODIFY, ERASE]))
        if action == INSERT:
            changes.append((key, INSERT, draw(entries(key))))
            continue
        orig = draw(entries(key))
        base.append(orig)
        # Mostly the same type (a few fields changed, or none); sometimes another type.
        if draw(st.integers(0, 9)):
            other = draw(entries(key, _kind_of(orig)))
            fields = draw(st.sets(st.sampled_from(range(1, len(orig))), max_size=4))
            changed = tuple(other[i] if i in fields else orig[i] for i in range(len(orig)))
            entry: Entry = type(orig)(*changed)
        else:
            entry = draw(entries(key))
        changes.append((key, action, entry))
    for root in roots:
        if draw(st.booleans()):
            changes.append((root.key, MODIFY, root._replace(balance=XRPAmount(root.balance.drops // 2 + 1))))
    changes.sort(key=lambda c: c[0])
    deduped: list[tuple[bytes, int, Entry]] = []
    for change in changes:
        if deduped and deduped[-1][0] == change[0]:
            continue
        deduped.append(change)
    return base, deduped


def _sane_amounts(entry: Entry) -> bool:
    """The codec refuses XRP beyond 10**17 drops; keep such values out of what is serialised."""
    for value in entry:
        if isinstance(value, XRPAmount) and abs(value.drops) > 10**17:
            return False
    return True


@given(change_sets(), st.integers(0, 4), st.one_of(st.none(), amounts), st.sampled_from([0, 100, 128]))
def test_metadata_blob_is_the_encoded_reference(
    world: tuple[list[Entry], list[tuple[bytes, int, Entry]]], tx_index: int, delivered: STAmount | None, result: int
) -> None:
    base_entries, changes = world
    if not all(_sane_amounts(e) for e in base_entries) or not all(_sane_amounts(e) for _, _, e in changes):
        return
    _env, view = _base()
    for entry in base_entries:
        if view.read_key(entry.key) is None:
            view.raw_insert(entry)
        else:
            view.raw_replace(entry)
    tx_id = Hash256(b"\x42" * 32)
    try:
        meta, writes = build_metadata(view, changes, tx_id, view.seq, result, tx_index, delivered)
    except TypeError:
        # An entry replaced by one of another type whose amounts cannot even be compared: a
        # bug the invariants stop first. The fast path fails the same way.
        with pytest.raises(TypeError):
            build_metadata_blob(view, changes, tx_id, view.seq, result, tx_index, delivered)
        return
    blob, fast_writes = build_metadata_blob(view, changes, tx_id, view.seq, result, tx_index, delivered)
    assert blob == encode_native(meta)
    assert fast_writes == writes


def test_metadata_blob_of_a_real_payment_is_the_reference() -> None:
    """A case spelled out: a payment that creates an account and threads the sender."""
    env, view = _base()
    alice = env.root("alice")
    assert alice is not None
    carol = env.account("carol").account_id
    new = AccountRoot(key=keylet.account(carol).key, account=carol, balance=XRPAmount(50_000_000), sequence=view.seq)
    paid = alice._replace(balance=XRPAmount(alice.balance.drops - 50_000_010), sequence=alice.sequence + 1)
    changes = sorted([(new.key, INSERT, new), (paid.key, MODIFY, paid)], key=lambda c: c[0])
    tx_id = Hash256(b"\x07" * 32)
    meta, writes = build_metadata(view, changes, tx_id, view.seq, 0, 3, STAmount.from_drops(50_000_000))
    blob, fast_writes = build_metadata_blob(view, changes, tx_id, view.seq, 0, 3, STAmount.from_drops(50_000_000))
    assert blob == encode_native(meta) and fast_writes == writes
    assert len(meta["AffectedNodes"]) == 2 and "DeliveredAmount" in meta


# -- invariants ----------------------------------------------------------------------------------


def _tx(env: Env, tx_type: TransactionType, fee: int) -> Transaction:
    fields: dict[str, Any] = {"TransactionType": tx_type, "Account": "alice", "Fee": STAmount.from_drops(fee)}
    if tx_type is TransactionType.Payment:
        fields.update(Destination="alice", Amount=XRP(1))
    else:
        fields.update(TakerPays=XRP(1), TakerGets=STAmount.from_value_text("1", Issue(CURRENCY, ACCOUNTS[0])))
    return env.tx(fields)


@given(
    change_sets(),
    st.sampled_from([TransactionType.Payment, TransactionType.OfferCreate]),
    st.sampled_from([Tes.tesSUCCESS, Tec.tecPATH_DRY]),
    st.integers(-5, 20),
    st.booleans(),
)
def test_fused_invariants_agree_with_the_checkers(
    world: tuple[list[Entry], list[tuple[bytes, int, Entry]]], tx_type: TransactionType, result: Any, fee: int, balanced: bool
) -> None:
    base_entries, changes = world
    env, view = _base()
    for entry in base_entries:
        if view.read_key(entry.key) is None:
            view.raw_insert(entry)
        else:
            view.raw_replace(entry)
    if balanced:
        # Often make the XRP add up, so that the other rules decide.
        delta = 0
        for key, action, entry in changes:
            before = None if action == INSERT else view.read_key(key)
            if type(before) is AccountRoot:
                delta -= before.balance.drops
            if action != ERASE and type(entry) is AccountRoot:
                delta += entry.balance.drops
        fee = max(0, -delta) if -delta <= 20 else fee
    tx = _tx(env, tx_type, max(fee, 0) + 10)
    items = {key: (action, entry) for key, action, entry in changes}
    verdict = invariants_hold(tx, result, fee, view, items)
    reference = not invariant_failures(tx, result, fee, view, changes)
    if verdict is not None:
        assert verdict == reference
    else:
        # Undecided only when an entry changes type.
        assert any(action != INSERT and type(view.read_key(key)) not in (type(entry), type(None)) for key, action, entry in changes) or any(
            action != INSERT and view.read_key(key) is None for key, action, entry in changes
        )


def test_fused_invariants_catch_what_each_checker_catches() -> None:
    """One spelled-out breach per rule: the fused pass says False, as the checkers do."""
    env, view = _base()
    alice = env.root("alice")
    assert alice is not None
    tx = _tx(env, TransactionType.Payment, 10)
    fee_only = alice._replace(balance=XRPAmount(alice.balance.drops - 10))

    def verdict(changes: list[tuple[bytes, int, Entry]], fee: int = 10, tx: Transaction = tx) -> bool | None:
        items = {k: (a, e) for k, a, e in changes}
        fused = invariants_hold(tx, Tes.tesSUCCESS, fee, view, items)
        assert fused == (not invariant_failures(tx, Tes.tesSUCCESS, fee, view, changes))
        return fused

    assert verdict([(alice.key, MODIFY, fee_only)]) is True
    assert verdict([(alice.key, MODIFY, fee_only)], fee=11) is False  # XRP lost
    assert verdict([(alice.key, MODIFY, alice._replace(balance=XRPAmount(-1)))], fee=alice.balance.drops + 1) is False
    assert verdict([(alice.key, ERASE, alice)], fee=alice.balance.drops) is False  # root deleted
    assert verdict([(alice.key, MODIFY, fee_only._replace(owner_count=1))]) is False  # owner count
    line_key = keylet.line(ACCOUNTS[0], ACCOUNTS[1], CURRENCY).key
    low, high = sorted(ACCOUNTS[:2])
    line = RippleState(
        key=line_key, balance=STAmount.zero(Issue(CURRENCY, ACCOUNT_ONE)),
        low_limit=STAmount.zero(Issue(CURRENCY, low)), high_limit=STAmount.zero(Issue(CURRENCY, high)),
    )
    assert verdict([(alice.key, MODIFY, fee_only), (line_key, INSERT, line)]) is True
    assert verdict([(alice.key, MODIFY, fee_only), (line_key, INSERT, line._replace(low_limit=XRP(1)))]) is False
    assert verdict([(alice.key, MODIFY, fee_only), (line_key, INSERT, line._replace(flags=lsfLowReserve))]) is False
    offer = Offer(key=Hash256(b"\x01" * 32), account=alice.account, sequence=1, taker_pays=XRP(1), taker_gets=XRP(2), book_directory=Hash256(bytes(32)))
    assert verdict([(alice.key, MODIFY, fee_only), (offer.key, INSERT, offer)]) is False  # XRP for XRP, and no owner count
    created = fee_only._replace(key=alice.key[::-1], balance=XRPAmount(0), sequence=view.seq)
    assert verdict([(alice.key, MODIFY, fee_only), (created.key, INSERT, created)]) is True  # by a Payment
    offer_create = _tx(env, TransactionType.OfferCreate, 10)
    assert verdict([(alice.key, MODIFY, fee_only), (created.key, INSERT, created)], tx=offer_create) is False
    assert verdict([(alice.key, MODIFY, fee_only), (created.key, INSERT, created._replace(sequence=1))]) is False
