"""Result codes: the generated enums agree with definitions.json, lookups and messages work."""

from __future__ import annotations

import pytest

from xpay.protocol import generate
from xpay.protocol.definitions import DEFINITIONS
from xpay.protocol.ledger_entry_types import LedgerEntryType
from xpay.protocol.ter import (
    TER_CLASSES,
    Tec,
    Tef,
    Tel,
    Tem,
    Ter,
    Tes,
    engine_result_message,
    is_tec_claim,
    is_tef_failure,
    is_tel_local,
    is_tem_malformed,
    is_ter_retry,
    is_tes_success,
    ter_class,
    ter_from_code,
    ter_from_name,
)
from xpay.protocol.transaction_types import TransactionType


@pytest.mark.parametrize("name", sorted(generate.render_all()))
def test_generated_module_is_up_to_date(name: str) -> None:
    from pathlib import Path

    import xpay.protocol

    on_disk = (Path(xpay.protocol.__file__).parent / name).read_text(encoding="utf-8")
    assert on_disk == generate.render_all()[name], f"run python -m xpay.protocol.generate ({name})"


def test_every_result_in_definitions_is_a_member_of_its_class() -> None:
    results = DEFINITIONS["TRANSACTION_RESULTS"]
    members = {m.name: m for cls in TER_CLASSES for m in cls}
    assert set(members) == set(results)
    for name, code in results.items():
        member = members[name]
        assert int(member) == code
        assert type(member) is ter_class(code)
        assert type(member).__name__.lower() == name[:3]


def test_well_known_codes() -> None:
    assert Tec.tecPATH_DRY == 128
    assert Tes.tesSUCCESS == 0
    assert Tem.temBAD_AMOUNT == -298
    assert Tef.tefPAST_SEQ == -190
    assert Ter.terNO_ACCOUNT == -96
    assert Tel.telINSUF_FEE_P == -394


def test_lookup_by_name_and_code() -> None:
    assert ter_from_name("tecPATH_PARTIAL") is Tec.tecPATH_PARTIAL
    assert ter_from_code(-96) is Ter.terNO_ACCOUNT
    with pytest.raises(ValueError, match="tecNOPE"):
        ter_from_name("tecNOPE")
    with pytest.raises(ValueError, match="1000"):
        ter_from_code(1000)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (-399, Tel),
        (-300, Tel),
        (-299, Tem),
        (-200, Tem),
        (-199, Tef),
        (-100, Tef),
        (-99, Ter),
        (-1, Ter),
        (0, Tes),
        (100, Tec),
        (255, Tec),
    ],
)
def test_class_by_range(code: int, cls: type) -> None:
    assert ter_class(code) is cls


@pytest.mark.parametrize("code", [-400, -50_000, 1, 99, 256])
def test_numbers_outside_every_class_are_rejected(code: int) -> None:
    with pytest.raises(ValueError):
        ter_class(code)


def test_class_predicates() -> None:
    assert is_tes_success(Tes.tesSUCCESS) and not is_tes_success(Tec.tecCLAIM)
    assert is_tec_claim(Tec.tecPATH_DRY) and not is_tec_claim(Tef.tefFAILURE)
    assert is_tel_local(Tel.telLOCAL_ERROR) and not is_tel_local(Tem.temMALFORMED)
    assert is_tem_malformed(Tem.temMALFORMED) and not is_tem_malformed(Tef.tefFAILURE)
    assert is_tef_failure(Tef.tefPAST_SEQ) and not is_tef_failure(Ter.terRETRY)
    assert is_ter_retry(Ter.terPRE_SEQ) and not is_ter_retry(Tes.tesSUCCESS)


def test_engine_result_messages_are_rippleds() -> None:
    assert engine_result_message(Tes.tesSUCCESS) == (
        "The transaction was applied. Only final in a validated ledger."
    )
    assert engine_result_message(Tec.tecPATH_DRY) == "Path could not send partial amount."
    assert engine_result_message(Tec.tecUNFUNDED_PAYMENT) == "Insufficient XRP balance to send."
    assert engine_result_message(Tem.temBAD_FEE) == "Invalid fee, negative or not XRP."
    assert engine_result_message(Tef.tefPAST_SEQ) == "This sequence number has already passed."


def test_every_result_has_a_message_and_unknown_codes_get_rippleds_dash() -> None:
    for cls in TER_CLASSES:
        for member in cls:
            assert engine_result_message(member) not in ("", "-")
    assert engine_result_message(12345) == "-"


def test_transaction_types_agree_with_definitions() -> None:
    assert {t.name: int(t) for t in TransactionType} == DEFINITIONS["TRANSACTION_TYPES"]
    assert TransactionType.Payment == 0
    assert TransactionType.TrustSet == 20
    assert TransactionType.OfferCreate == 7


def test_ledger_entry_types_agree_with_definitions() -> None:
    assert {t.name: int(t) for t in LedgerEntryType} == DEFINITIONS["LEDGER_ENTRY_TYPES"]
    assert LedgerEntryType.AccountRoot == 0x61
    assert LedgerEntryType.RippleState == 0x72
    assert LedgerEntryType.Offer == 0x6F
