"""The consensus adaptor's values: transaction sets (RCLTxSet), ledgers with ancestry
(RCLCxLedger), the peer message payloads, and the validator's durable validation bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.node_process import GENESIS, keypair, payment
from xpay.consensus import Proposal, Validation
from xpay.crypto import NodeKey
from xpay.ledger.ledger import CLOSE_FLAG_NO_CONSENSUS_TIME, genesis_ledger
from xpay.node.config import DEFAULT_FEES
from xpay.node.consensus_ledger import ANCESTRY_WINDOW, RCLCxLedger
from xpay.node.peer_messages import (
    LedgerMode,
    PeerMessageError,
    SignedValidation,
    decode_get_ledger,
    decode_ledger_data,
    decode_proposal,
    decode_transactions,
    decode_tx_set,
    decode_tx_set_ids,
    decode_validation,
    encode_get_ledger,
    encode_ledger_data,
    encode_proposal,
    encode_transactions,
    encode_tx_set,
    encode_tx_set_ids,
    encode_validation,
)
from xpay.node.tx_set import RCLTxSet, transaction_id
from xpay.node.validator_state import ValidatorState
from xpay.protocol.ids import Hash256, NodeID
from xpay.tx.build import build_ledger, tx_set_hash
from xpay.tx.rules import Rules
from xpay.tx.transaction import Transaction

NODE = NodeID(NodeKey.from_entropy(b"n" * 16).node_id)
OTHER = NodeID(NodeKey.from_entropy(b"o" * 16).node_id)


def _txs(count: int) -> list[Transaction]:
    return [
        Transaction.from_blob(bytes.fromhex(payment(GENESIS, keypair(f"to{i}").address, "20000000", i + 1)[0]))
        for i in range(count)
    ]


# --- RCLTxSet -------------------------------------------------------------------------------------


def test_a_set_id_is_the_root_of_its_tx_only_shamap_as_the_ledger_builder_computes_it() -> None:
    txs = _txs(5)
    assert RCLTxSet.of(txs).id == tx_set_hash(txs)
    assert RCLTxSet.of([]).id == Hash256(bytes(32))


def test_a_set_rebuilt_from_blobs_has_the_same_id_and_members() -> None:
    txs = _txs(4)
    ours = RCLTxSet.of(txs)
    theirs = RCLTxSet.from_blobs([tx.blob for tx in reversed(txs)])
    assert theirs.id == ours.id
    assert all(tx.id in theirs for tx in txs)
    assert [tx_id for tx_id, _ in theirs.blobs()] == sorted(tx.id for tx in txs)


def test_compare_and_with_changes_agree_with_building_the_changed_set_from_scratch() -> None:
    txs = _txs(6)
    a = RCLTxSet.of(txs[:4])
    b = RCLTxSet.of(txs[2:])
    differences = a.compare(b)
    assert list(differences) == sorted(differences)
    assert differences == {tx.id: True for tx in txs[:2]} | {tx.id: False for tx in txs[4:]}
    changed = a.with_changes({txs[4].id: b, txs[5].id: b}, [txs[0].id])
    assert changed.id == RCLTxSet.of(txs[1:]).id
    assert changed.decoded(txs[1].id) is txs[1]
    assert a.id == RCLTxSet.of(txs[:4]).id  # the original is unchanged


def test_a_blob_is_filed_under_its_own_id_whatever_a_peer_claims() -> None:
    tx = _txs(1)[0]
    tx_set = RCLTxSet.from_blobs([tx.blob])
    assert transaction_id(tx.blob) == tx.id
    assert tx_set.blob(tx.id) == tx.blob
    assert tx_set.blob(Hash256(b"\x07" * 32)) is None


def test_a_set_rebuilt_from_ids_on_our_position_equals_the_set_built_from_scratch() -> None:
    txs = _txs(8)
    ours = RCLTxSet.of(txs[:6])
    theirs = RCLTxSet.of(txs[2:8])  # two of ours missing, two more
    blobs = {tx.id: tx.blob for tx in txs}
    rebuilt = RCLTxSet.from_ids([tx_id for tx_id, _ in theirs.blobs()], ours, blobs.get)
    assert rebuilt is not None and rebuilt.id == theirs.id
    assert sorted(rebuilt.blobs()) == sorted(theirs.blobs())
    assert RCLTxSet.from_ids([tx_id for tx_id, _ in ours.blobs()], ours, blobs.get) is ours
    assert RCLTxSet.from_ids([tx.id for tx in txs[:3]], None, blobs.get).id == RCLTxSet.of(txs[:3]).id  # type: ignore[union-attr]


def test_a_set_of_ids_with_an_unknown_blob_or_a_repeated_id_is_not_rebuilt() -> None:
    txs = _txs(3)
    known = {tx.id: tx.blob for tx in txs[:2]}
    ours = RCLTxSet.of(txs[:1])
    assert RCLTxSet.from_ids([tx.id for tx in txs], ours, known.get) is None
    assert RCLTxSet.from_ids([txs[1].id, txs[1].id], ours, known.get) is None


def test_a_set_pushed_as_ids_round_trips_and_refuses_a_ragged_list() -> None:
    txs = _txs(3)
    set_id = RCLTxSet.of(txs).id
    ids = [tx.id for tx in txs]
    assert decode_tx_set_ids(encode_tx_set_ids(set_id, ids)) == (set_id, ids)
    assert decode_tx_set_ids(encode_tx_set_ids(set_id, [])) == (set_id, [])
    with pytest.raises(PeerMessageError, match="cannot fit"):
        decode_tx_set_ids(encode_tx_set_ids(set_id, ids)[:-5])
    with pytest.raises(PeerMessageError, match="after the message"):
        decode_tx_set_ids(encode_tx_set_ids(set_id, ids) + b"\x00")


# --- RCLCxLedger ----------------------------------------------------------------------------------


def _chain(length: int) -> list[RCLCxLedger]:
    genesis = genesis_ledger(GENESIS.account_id, DEFAULT_FEES, close_time=100)
    chain = [RCLCxLedger(genesis, ())]
    parent = genesis
    for _ in range(length - 1):
        ledger, _ = build_ledger(parent, [], parent.close_time + 10, 10, 0, Rules(21337))
        chain.append(RCLCxLedger.child_of(chain[-1], ledger))
        parent = ledger
    return chain


def test_a_ledger_knows_its_ancestors_within_the_window() -> None:
    chain = _chain(6)
    tip = chain[-1]
    assert [tip.ancestor(ledger.seq) for ledger in chain] == [ledger.id for ledger in chain]
    assert tip.ancestor(tip.seq + 1) is None
    assert tip.descends_from(2, chain[1].id)
    assert not tip.descends_from(2, chain[2].id)
    assert tip.close_agree and tip.parent_close_time == chain[-2].close_time


def test_the_ancestry_window_is_bounded() -> None:
    chain = _chain(3)
    long_ancestry = tuple(Hash256(i.to_bytes(32, "big")) for i in range(ANCESTRY_WINDOW + 10))
    wrapped = RCLCxLedger(chain[2].ledger, (*long_ancestry, chain[1].id))
    assert len(wrapped.ancestry) == ANCESTRY_WINDOW
    assert wrapped.ancestor(wrapped.seq - ANCESTRY_WINDOW - 1) is None


def test_a_ledger_without_history_knows_only_its_parent() -> None:
    chain = _chain(4)
    bare = RCLCxLedger.without_history(chain[3].ledger)
    assert bare.ancestor(chain[2].seq) == chain[2].id
    assert bare.ancestor(chain[1].seq) is None


def test_a_wrong_parent_is_refused() -> None:
    chain = _chain(3)
    with pytest.raises(ValueError, match="not a child"):
        RCLCxLedger.child_of(chain[0], chain[2].ledger)
    with pytest.raises(ValueError, match="parent"):
        RCLCxLedger(chain[2].ledger, (chain[0].id,))


def test_close_agree_follows_the_no_consensus_time_flag() -> None:
    genesis = genesis_ledger(GENESIS.account_id, DEFAULT_FEES, close_time=100)
    ledger, _ = build_ledger(genesis, [], 101, 10, CLOSE_FLAG_NO_CONSENSUS_TIME, Rules(21337))
    assert not RCLCxLedger.child_of(RCLCxLedger(genesis, ()), ledger).close_agree


# --- peer messages --------------------------------------------------------------------------------


def test_a_proposal_round_trips_with_the_envelope_sender_as_proposer() -> None:
    proposal = Proposal(Hash256(b"\x01" * 32), Hash256(b"\x02" * 32), 12345, 999, NODE, 3)
    decoded = decode_proposal(encode_proposal(proposal), NODE, now=5000)
    assert decoded == Proposal(proposal.prev_ledger, proposal.position, 12345, 5000, NODE, 3)
    with pytest.raises(PeerMessageError):
        decode_proposal(encode_proposal(proposal)[:-1], NODE, 0)


def test_a_validation_round_trips_and_must_name_its_signer() -> None:
    validation = Validation(Hash256(b"\x03" * 32), 42, 777_000, NODE, full=False)
    signed = SignedValidation(validation, close_time=8888)
    payload = encode_validation(signed)
    assert decode_validation(payload, NODE) == signed
    with pytest.raises(PeerMessageError, match="another validator"):
        decode_validation(payload, OTHER)
    with pytest.raises(PeerMessageError, match="flags"):
        decode_validation(payload[:48] + b"\x80" + payload[49:], NODE)


def test_batches_and_sets_round_trip_and_refuse_forged_counts() -> None:
    blobs = [tx.blob for tx in _txs(3)]
    assert decode_transactions(encode_transactions(blobs)) == blobs
    set_id = RCLTxSet.from_blobs(blobs).id
    assert decode_tx_set(encode_tx_set(set_id, blobs)) == (set_id, blobs)
    forged = (10_000_000).to_bytes(4, "big") + encode_transactions(blobs)[4:]
    with pytest.raises(PeerMessageError, match="cannot fit"):
        decode_transactions(forged)
    with pytest.raises(PeerMessageError, match="after the message"):
        decode_transactions(encode_transactions(blobs) + b"\x00")
    with pytest.raises(PeerMessageError, match="truncated"):
        decode_tx_set(encode_tx_set(set_id, blobs)[:-5])


def test_ledger_requests_and_data_round_trip() -> None:
    ledger = _chain(2)[1].ledger
    request = encode_get_ledger(Hash256(ledger.hash), LedgerMode.SNAPSHOT)
    assert decode_get_ledger(request) == (ledger.hash, LedgerMode.SNAPSHOT)
    with pytest.raises(PeerMessageError, match="mode"):
        decode_get_ledger(request[:32] + b"\x09")
    payload = encode_ledger_data(Hash256(ledger.hash), LedgerMode.REPLAY, ledger.header, [(b"tx", b"meta")])
    data = decode_ledger_data(payload)
    assert (data.ledger_hash, data.mode, data.header, data.transactions) == (
        ledger.hash,
        LedgerMode.REPLAY,
        ledger.header,
        ((b"tx", b"meta"),),
    )
    with pytest.raises(PeerMessageError):
        decode_ledger_data(payload[:100])


# --- the validator's durable bound ----------------------------------------------------------------


def test_the_validation_bound_is_durable_and_covers_a_lease_ahead(tmp_path: Path) -> None:
    state = ValidatorState(tmp_path, lease=4)
    assert state.largest_validated_seq == 0 and not state.covers(1)
    state.record(10)
    assert state.largest_validated_seq == 13
    assert state.covers(13) and not state.covers(14)
    # A restart sees the whole lease as validated: it never signs 10..13 again.
    again = ValidatorState(tmp_path, lease=4)
    assert again.largest_validated_seq == 13
    again.record(12)  # covered: no change
    assert json.loads((tmp_path / "validator_state.json").read_text()) == {"largest_validated_seq": 13}


def test_a_damaged_validation_record_is_refused_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "validator_state.json").write_text("{not json")
    with pytest.raises(ValueError, match="damaged"):
        ValidatorState(tmp_path)
    (tmp_path / "validator_state.json").write_text('{"largest_validated_seq": -3}')
    with pytest.raises(ValueError, match="no valid"):
        ValidatorState(tmp_path)
