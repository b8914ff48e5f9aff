"""Validators whose clocks disagree: the close-time resolution adapts as the XRPL's
(rippled's Consensus_test testCloseTimeDisagree). With six validators two each at 0, +10 s
and +20 s, no 10 s bin ever holds half of the votes: they agree to disagree (close_agree false,
close time = parent + 1 s), the next ledger uses 20 s bins, where they agree; every eighth
ledger tries 10 s bins again and fails again. Consensus on transactions is unaffected."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.sim.scenarios import assert_each_tx_validated_once, assert_no_forks
from xpay.consensus import get_next_ledger_time_resolution
from xpay.sim.harness import Sim, SimConfig

pytestmark = pytest.mark.sim


def run(skews: tuple[int, ...], seed: int) -> Sim:
    sim = Sim(SimConfig(validators=6, seed=seed, clock_skews_ms=skews))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=50_000, every_ms=200, jitter_ms=100)
    sim.run_for(60_000)
    assert_no_forks(sim)
    assert min(p.validated.seq for p in sim.peers) >= 40
    assert_each_tx_validated_once(sim)
    return sim


def test_skewed_clocks_make_the_resolution_adapt_as_the_xrpl() -> None:
    sim = run((0, 0, 10_000, 10_000, 20_000, 20_000), seed=51)
    chain = sim.peers[0].validated_chain
    for parent, child in pairwise(chain):
        # Every ledger's resolution is the XRPL's function of its parent's.
        expected = get_next_ledger_time_resolution(
            parent.close_time_resolution, parent.close_agree, child.seq
        )
        assert child.close_time_resolution == expected
        assert child.close_time > parent.close_time
        if not child.close_agree:
            assert child.close_time == parent.close_time + 1
    disagreed = [ledger for ledger in chain if not ledger.close_agree]
    assert len(disagreed) >= 4
    assert all(ledger.close_time_resolution == 10 for ledger in disagreed)
    assert {ledger.close_time_resolution for ledger in chain[2:]} == {10, 20}
    # After each disagreement the network tried coarser bins and agreed.
    by_seq = {ledger.seq: ledger for ledger in chain}
    for ledger in disagreed:
        following = by_seq.get(ledger.seq + 1)
        if following is not None:
            assert following.close_time_resolution == 20 and following.close_agree


def test_synchronised_clocks_agree_on_every_close_time() -> None:
    sim = run((0, 0, 0, 0, 0, 0), seed=52)
    chain = sim.peers[0].validated_chain
    assert all(ledger.close_agree for ledger in chain)
    assert {ledger.close_time_resolution for ledger in chain} == {10}
