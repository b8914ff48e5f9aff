"""`xpay wallet`, `xpay tx sign`, `xpay codec`: output as rippled prints it, one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from xrpl.core import binarycodec, keypairs

from xpay.cli import COMMAND_GROUPS, build_parser, main
from xpay.codec import decode_account_public, encode_seed
from xpay.crypto import KeyPair

SEED = encode_seed(bytes(range(16)))
BOB = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
XPAY = Path(sys.executable).parent / "xpay"


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def _payment(account: str) -> dict[str, Any]:
    return {
        "TransactionType": "Payment",
        "Account": account,
        "Destination": BOB,
        "Amount": "1000000",
        "Fee": "12",
        "Sequence": 3,
    }


def test_wallet_propose_with_a_seed_prints_rippleds_fields(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = _run(capsys, monkeypatch, ["wallet", "propose", "--seed", SEED])
    assert status == 0 and err == ""
    result = json.loads(out)
    public_hex, _private = keypairs.derive_keypair(SEED)
    assert result == {
        "account_id": keypairs.derive_classic_address(public_hex),
        "key_type": "ed25519",
        "master_seed": SEED,
        "master_seed_hex": bytes(range(16)).hex().upper(),
        "public_key": result["public_key"],
        "public_key_hex": public_hex,
    }
    assert result["public_key"].startswith("a")
    assert decode_account_public(result["public_key"]).hex().upper() == public_hex


def test_wallet_propose_without_a_seed_makes_a_fresh_consistent_wallet(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _status, first, _err = _run(capsys, monkeypatch, ["wallet", "propose"])
    _status, second, _err = _run(capsys, monkeypatch, ["wallet", "propose"])
    a, b = json.loads(first), json.loads(second)
    assert a["master_seed"] != b["master_seed"]
    assert KeyPair.from_seed(a["master_seed"]).address == a["account_id"]


def test_tx_sign_prints_blob_and_hash_matching_xrpl_py(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keypair = KeyPair.from_seed(SEED)
    tx = _payment(keypair.address)
    status, out, err = _run(capsys, monkeypatch, ["tx", "sign", "--secret", SEED], json.dumps(tx))
    assert status == 0 and err == ""
    result = json.loads(out)
    signed = binarycodec.decode(result["tx_blob"])
    assert signed["SigningPubKey"] == keypair.public_key.hex().upper()
    unsigned = binarycodec.encode_for_signing(signed)
    assert keypairs.is_valid_message(
        bytes.fromhex(unsigned), bytes.fromhex(signed["TxnSignature"]), signed["SigningPubKey"]
    )
    assert result["tx_json"]["hash"] == result["hash"]
    assert len(result["hash"]) == 64


def test_codec_decode_and_encode(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tx = _payment(BOB)
    blob = binarycodec.encode(tx)
    status, out, _err = _run(capsys, monkeypatch, ["codec", "decode", blob])
    assert status == 0 and json.loads(out) == tx
    status, out, _err = _run(capsys, monkeypatch, ["codec", "encode"], json.dumps(tx))
    assert status == 0 and out.strip() == blob


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["codec", "decode", "zz"], "", "not hex"),
        (["codec", "decode", "1200"], "", "truncated"),
        (["codec", "encode"], "{not json", "stdin is not JSON"),
        (["codec", "encode"], "[1, 2]", "must hold a JSON object"),
        (["codec", "encode"], '{"Frobnicate": 1}', "unknown field"),
        (["codec", "encode"], '{"Sequence": "x"}', "expected a UInt32"),
        (["wallet", "propose", "--seed", "sEdnope"], "", "checksum"),
        (["wallet", "propose", "--seed", "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"], "", "secp256k1"),
        (["tx", "sign"], "{}", "--secret"),
        (["tx", "sign", "--secret", SEED], '{"Fee": "-1"}', "negative"),
        (["nope"], "", "invalid choice"),
        ([], "", "required"),
        (["wallet", "propose", "--bogus"], "", "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_status_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    status, out, err = _run(capsys, monkeypatch, argv, stdin)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("xpay: error: ")
    assert message in err
    assert "Traceback" not in err


def test_help_exits_cleanly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _err = _run(capsys, monkeypatch, ["--help"])
    assert status == 0 and "wallet" in out and "codec" in out


def test_command_groups_register_their_own_subcommands() -> None:
    names = {group.__name__ for group in COMMAND_GROUPS}
    assert {"add_wallet_commands", "add_tx_commands", "add_codec_commands"} <= names
    args = build_parser().parse_args(["codec", "decode", "12"])
    assert args.func.__name__ == "codec_decode"


def test_real_process_round_trip_and_error() -> None:
    tx = _payment(BOB)
    encoded = subprocess.run(
        [str(XPAY), "codec", "encode"],
        input=json.dumps(tx),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert encoded.returncode == 0, encoded.stderr
    assert encoded.stdout.strip() == binarycodec.encode(tx)
    failed = subprocess.run(
        [str(XPAY), "codec", "decode", "ZZ"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("xpay: error: ") and failed.stderr.count("\n") == 1
    assert "Traceback" not in failed.stderr
