"""AccountSet and SetRegularKey (rippled's SetAccount.cpp and SetRegularKey.cpp; scenarios from
rippled's AccountSet_test, SetRegularKey_test and Freeze_test)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.env import XRP, Env, drops, passphrase_keypair
from xpay.protocol.flags import (
    asfAccountTxnID,
    asfAllowTrustLineClawback,
    asfAuthorizedNFTokenMinter,
    asfDefaultRipple,
    asfDepositAuth,
    asfDisableMaster,
    asfDisallowIncomingTrustline,
    asfDisallowXRP,
    asfGlobalFreeze,
    asfNoFreeze,
    asfRequireAuth,
    asfRequireDest,
    lsfAllowTrustLineClawback,
    lsfDefaultRipple,
    lsfDepositAuth,
    lsfDisableMaster,
    lsfDisallowIncomingTrustline,
    lsfDisallowXRP,
    lsfGlobalFreeze,
    lsfNoFreeze,
    lsfPasswordSpent,
    lsfRequireAuth,
    lsfRequireDestTag,
    tfAllowXRP,
    tfDisallowXRP,
    tfOptionalAuth,
    tfOptionalDestTag,
    tfRequireAuth,
    tfRequireDestTag,
)
from xpay.protocol.transaction_types import TransactionType


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob", "gw", default_ripple=False)
    env.close()
    return env


def _account_set(env: Env, who: str = "alice", *, expect: str = "tesSUCCESS", signer: Any = None, **fields: Any) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, **fields}, expect=expect, signer=signer)


def _flags(env: Env, who: str = "alice") -> int:
    root = env.root(who)
    assert root is not None
    return root.flags


@pytest.mark.parametrize(
    ("asf", "lsf"),
    [
        (asfRequireDest, lsfRequireDestTag),
        (asfRequireAuth, lsfRequireAuth),
        (asfDisallowXRP, lsfDisallowXRP),
        (asfDefaultRipple, lsfDefaultRipple),
        (asfDepositAuth, lsfDepositAuth),
        (asfDisallowIncomingTrustline, lsfDisallowIncomingTrustline),
        (asfGlobalFreeze, lsfGlobalFreeze),
    ],
)
def test_set_and_clear_flag(env: Env, asf: int, lsf: int) -> None:
    """AccountSet_test: each flag set by SetFlag and cleared by ClearFlag."""
    _account_set(env, SetFlag=asf)
    assert _flags(env) & lsf
    _account_set(env, ClearFlag=asf)
    assert not _flags(env) & lsf


@pytest.mark.parametrize(
    ("set_tf", "clear_tf", "lsf"),
    [
        (tfRequireDestTag, tfOptionalDestTag, lsfRequireDestTag),
        (tfRequireAuth, tfOptionalAuth, lsfRequireAuth),
        (tfDisallowXRP, tfAllowXRP, lsfDisallowXRP),
    ],
)
def test_legacy_transaction_flags(env: Env, set_tf: int, clear_tf: int, lsf: int) -> None:
    _account_set(env, Flags=set_tf)
    assert _flags(env) & lsf
    _account_set(env, Flags=clear_tf)
    assert not _flags(env) & lsf
    with env.expect_no_change():
        _account_set(env, Flags=set_tf | clear_tf, expect="temINVALID_FLAG")


def test_set_and_clear_the_same_flag_is_tem_invalid_flag(env: Env) -> None:
    with env.expect_no_change():
        _account_set(env, SetFlag=asfRequireDest, ClearFlag=asfRequireDest, expect="temINVALID_FLAG")
    with env.expect_no_change():
        _account_set(env, SetFlag=asfRequireAuth, Flags=tfOptionalAuth, expect="temINVALID_FLAG")


def test_require_auth_only_while_owning_nothing(env: Env) -> None:
    """SetAccount::preclaim: tecOWNERS once the account owns something."""
    env.trust("gw", env.iou("alice", "USD")(10))
    with env.expect_fee_only("gw"):
        _account_set(env, "gw", SetFlag=asfRequireAuth, expect="tecOWNERS")


def test_disable_master_needs_a_regular_key_and_the_master_key(env: Env) -> None:
    with env.expect_fee_only("alice"):
        _account_set(env, SetFlag=asfDisableMaster, expect="tecNO_ALTERNATIVE_KEY")
    regular = passphrase_keypair("alice-regular")
    env({"TransactionType": TransactionType.SetRegularKey, "Account": "alice", "RegularKey": regular.account_id})
    with env.expect_fee_only("alice"):
        _account_set(env, SetFlag=asfDisableMaster, signer=regular, expect="tecNEED_MASTER_KEY")
    _account_set(env, SetFlag=asfDisableMaster)
    assert _flags(env) & lsfDisableMaster
    with env.expect_no_change():
        _account_set(env, SetFlag=asfRequireDest, expect="tefMASTER_DISABLED")
    _account_set(env, ClearFlag=asfDisableMaster, signer=regular)
    assert not _flags(env) & lsfDisableMaster
    _account_set(env, SetFlag=asfRequireDest)


def test_no_freeze_is_permanent_and_pins_global_freeze(env: Env) -> None:
    """Freeze_test: NoFreeze cannot be cleared, and GlobalFreeze cannot be cleared after it."""
    _account_set(env, "gw", SetFlag=asfGlobalFreeze)
    _account_set(env, "gw", SetFlag=asfNoFreeze)
    _account_set(env, "gw", ClearFlag=asfNoFreeze)
    _account_set(env, "gw", ClearFlag=asfGlobalFreeze)
    assert _flags(env, "gw") & lsfNoFreeze and _flags(env, "gw") & lsfGlobalFreeze


def test_no_freeze_needs_the_master_key(env: Env) -> None:
    regular = passphrase_keypair("gw-regular")
    env({"TransactionType": TransactionType.SetRegularKey, "Account": "gw", "RegularKey": regular.account_id})
    with env.expect_fee_only("gw"):
        _account_set(env, "gw", SetFlag=asfNoFreeze, signer=regular, expect="tecNEED_MASTER_KEY")


def test_clawback_needs_no_objects_and_no_no_freeze(env: Env) -> None:
    _account_set(env, "gw", SetFlag=asfAllowTrustLineClawback)
    assert _flags(env, "gw") & lsfAllowTrustLineClawback
    with env.expect_fee_only("gw"):
        _account_set(env, "gw", SetFlag=asfNoFreeze, expect="tecNO_PERMISSION")
    _account_set(env, "bob", SetFlag=asfNoFreeze)
    with env.expect_fee_only("bob"):
        _account_set(env, "bob", SetFlag=asfAllowTrustLineClawback, expect="tecNO_PERMISSION")


def test_account_txn_id_tracks_the_last_transaction(env: Env) -> None:
    _account_set(env, SetFlag=asfAccountTxnID)
    root = env.root("alice")
    assert root is not None and root.account_txn_id == bytes(32)
    paid = env.tx({"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": XRP(1)})
    env.submit(paid)
    root = env.root("alice")
    assert root is not None and root.account_txn_id == paid.id
    _account_set(env, ClearFlag=asfAccountTxnID)
    root = env.root("alice")
    assert root is not None and root.account_txn_id is None


@pytest.mark.parametrize(("rate", "stored"), [(1_500_000_000, 1_500_000_000), (2_000_000_000, 2_000_000_000), (1_000_000_000, None), (0, None)])
def test_transfer_rate(env: Env, rate: int, stored: int | None) -> None:
    _account_set(env, "gw", TransferRate=1_200_000_000)
    _account_set(env, "gw", TransferRate=rate)
    root = env.root("gw")
    assert root is not None and root.transfer_rate == stored


@pytest.mark.parametrize("rate", [999_999_999, 2_000_000_001, 1])
def test_bad_transfer_rate(env: Env, rate: int) -> None:
    with env.expect_no_change():
        _account_set(env, "gw", TransferRate=rate, expect="temBAD_TRANSFER_RATE")


def test_domain_set_clear_and_too_long(env: Env) -> None:
    _account_set(env, Domain=b"example.com")
    root = env.root("alice")
    assert root is not None and root.domain == b"example.com"
    _account_set(env, Domain=b"")
    root = env.root("alice")
    assert root is not None and root.domain is None
    with env.expect_no_change():
        _account_set(env, Domain=b"x" * 257, expect="telBAD_DOMAIN")


def test_tick_size(env: Env) -> None:
    _account_set(env, TickSize=5)
    root = env.root("alice")
    assert root is not None and root.tick_size == 5
    _account_set(env, TickSize=16)
    root = env.root("alice")
    assert root is not None and root.tick_size is None
    with env.expect_no_change():
        _account_set(env, TickSize=2, expect="temBAD_TICK_SIZE")


def test_email_hash_and_message_key(env: Env) -> None:
    _account_set(env, EmailHash=b"\x01" * 16, MessageKey=env.account("alice").public_key)
    root = env.root("alice")
    assert root is not None and root.email_hash == b"\x01" * 16 and root.message_key is not None
    _account_set(env, EmailHash=bytes(16), MessageKey=b"")
    root = env.root("alice")
    assert root is not None and root.email_hash is None and root.message_key is None
    with env.expect_no_change():
        _account_set(env, MessageKey=b"\x05" * 33, expect="telBAD_PUBLIC_KEY")


@pytest.mark.parametrize("fields", [{"WalletLocator": bytes(32)}, {"SetFlag": asfAuthorizedNFTokenMinter}])
def test_fields_for_objects_xpay_lacks_are_tem_disabled(env: Env, fields: dict[str, Any]) -> None:
    with env.expect_no_change():
        _account_set(env, expect="temDISABLED", **fields)


# --- SetRegularKey -------------------------------------------------------------------------------


def _set_regular_key(env: Env, who: str = "alice", *, expect: str = "tesSUCCESS", signer: Any = None, **fields: Any) -> None:
    env({"TransactionType": TransactionType.SetRegularKey, "Account": who, **fields}, expect=expect, signer=signer)


def test_regular_key_set_used_and_removed(env: Env) -> None:
    """SetRegularKey_test."""
    regular = passphrase_keypair("alice-regular")
    _set_regular_key(env, RegularKey=regular.account_id)
    root = env.root("alice")
    assert root is not None and root.regular_key == regular.account_id
    _set_regular_key(env, signer=regular)  # no RegularKey: removes it
    root = env.root("alice")
    assert root is not None and root.regular_key is None
    with env.expect_no_change():
        _account_set(env, signer=regular, expect="tefBAD_AUTH")


def test_regular_key_may_not_be_the_account(env: Env) -> None:
    with env.expect_no_change():
        _set_regular_key(env, RegularKey=env.account("alice").account_id, expect="temBAD_REGKEY")


def test_removing_the_last_key_is_tec_no_alternative_key(env: Env) -> None:
    regular = passphrase_keypair("alice-regular")
    _set_regular_key(env, RegularKey=regular.account_id)
    _account_set(env, SetFlag=asfDisableMaster)
    with env.expect_fee_only("alice"):
        _set_regular_key(env, signer=regular, expect="tecNO_ALTERNATIVE_KEY")


def test_first_key_change_with_the_master_key_is_free(env: Env) -> None:
    """The "password" fee: zero until lsfPasswordSpent is set."""
    regular = passphrase_keypair("alice-regular")
    before = env.balance("alice")
    _set_regular_key(env, RegularKey=regular.account_id, Fee=drops(0))
    assert env.balance("alice") == before
    root = env.root("alice")
    assert root is not None and root.flags & lsfPasswordSpent
    with env.expect_no_change():
        _set_regular_key(env, RegularKey=regular.account_id, Fee=drops(0), expect="telINSUF_FEE_P")
    _set_regular_key(env, RegularKey=regular.account_id, Fee=drops(10))


def test_key_change_signed_with_the_regular_key_is_never_free(env: Env) -> None:
    regular = passphrase_keypair("alice-regular")
    _set_regular_key(env, RegularKey=regular.account_id)
    env.pay("bob", "alice", XRP(1))  # re-arms the free change
    root = env.root("alice")
    assert root is not None and not root.flags & lsfPasswordSpent
    with env.expect_no_change():
        _set_regular_key(env, RegularKey=regular.account_id, Fee=drops(0), signer=regular, expect="telINSUF_FEE_P")
