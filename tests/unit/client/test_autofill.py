"""Autofill's rules: the fee from the node's fee levels with a cushion and a limit,
LastLedgerSequence from the open ledger, NetworkID by the XRPL's 1024 rule. (That autofill asks
the node the right questions is shown against a real node in the integration tests.)"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xpay.client import (
    AutofillPolicy,
    Backoff,
    FeeInfo,
    FeeTooHigh,
    InvalidInput,
    MalformedTransaction,
)
from xpay.client.autofill import (
    LEGACY_NETWORK_ID_MAX,
    fee_drops,
    last_ledger_sequence,
    network_id_field,
)


def fee(base: int = 10, minimum: int = 10, open_ledger: int = 10) -> FeeInfo:
    return FeeInfo(base_fee=base, median_fee=5000, minimum_fee=minimum, open_ledger_fee=open_ledger,
                   ledger_current_index=7, current_ledger_size=0, current_queue_size=0,
                   expected_ledger_size=1000, max_queue_size=2000, raw={})


def test_fee_is_the_open_ledger_cost_with_a_twenty_percent_cushion_rounded_up() -> None:
    policy = AutofillPolicy()
    assert fee_drops(fee(), policy) == 12
    assert fee_drops(fee(base=11, minimum=11, open_ledger=11), policy) == 14  # 13.2 rounds up
    assert fee_drops(fee(open_ledger=5000), policy) == 6000, "an escalated open ledger costs more"


def test_fee_never_goes_below_the_base_or_minimum_fee() -> None:
    assert fee_drops(fee(base=10, minimum=25, open_ledger=3), AutofillPolicy(fee_cushion=Fraction(1))) == 25
    assert fee_drops(fee(base=30, minimum=10, open_ledger=3), AutofillPolicy(fee_cushion=Fraction(1))) == 30


def test_a_fee_above_the_limit_is_refused_not_capped() -> None:
    with pytest.raises(FeeTooHigh) as caught:
        fee_drops(fee(open_ledger=1_000_000), AutofillPolicy(max_fee_drops=1_000_000))
    assert caught.value.fee_drops == 1_200_000
    assert caught.value.max_fee_drops == 1_000_000
    assert fee_drops(fee(open_ledger=1_000_000), AutofillPolicy(max_fee_drops=1_200_000)) == 1_200_000


@given(st.integers(1, 10**9), st.integers(1, 5), st.integers(1, 5))
def test_the_fee_covers_the_cost_times_the_cushion(cost: int, numerator: int, extra: int) -> None:
    cushion = Fraction(numerator + extra, numerator)
    offered = fee_drops(fee(base=1, minimum=1, open_ledger=cost), AutofillPolicy(fee_cushion=cushion, max_fee_drops=10**18))
    assert offered >= cost * cushion > offered - 1


def test_last_ledger_sequence_is_the_open_ledger_plus_the_offset() -> None:
    assert last_ledger_sequence(7, AutofillPolicy()) == 27
    assert last_ledger_sequence(7, AutofillPolicy(ledger_offset=3)) == 10
    with pytest.raises(InvalidInput, match="UInt32"):
        last_ledger_sequence(2**32 - 2, AutofillPolicy())


def test_network_id_is_required_above_1024_and_refused_at_or_below() -> None:
    assert network_id_field(21337, None) == 21337
    assert network_id_field(21337, 21337) == 21337
    assert network_id_field(LEGACY_NETWORK_ID_MAX, None) is None
    assert network_id_field(0, None) is None
    assert network_id_field(None, None) is None
    with pytest.raises(MalformedTransaction) as wrong:
        network_id_field(21337, 21338)
    assert wrong.value.result == "telWRONG_NETWORK"
    with pytest.raises(MalformedTransaction) as legacy:
        network_id_field(1, 1)
    assert legacy.value.result == "telNETWORK_ID_MAKES_TX_NON_CANONICAL"


@pytest.mark.parametrize(
    "settings",
    [{"fee_cushion": Fraction(1, 2)}, {"max_fee_drops": -1}, {"ledger_offset": 0}, {"fee_cushion": 1.2}],
)
def test_a_nonsensical_policy_is_refused(settings: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        AutofillPolicy(**settings)  # type: ignore[arg-type]


def test_reconnection_delays_grow_to_the_cap_within_their_jitter() -> None:
    backoff = Backoff(initial=0.1, maximum=1.0, factor=2.0, jitter=0.1)
    delays = backoff.delays()
    nominal = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    for expected in nominal:
        assert expected * 0.9 <= next(delays) <= expected * 1.1
    with pytest.raises(InvalidInput):
        Backoff(initial=2.0, maximum=1.0)
