"""Codec and signature benchmark: xpay side by side with xrpl-py, in one run, on the XRPL codec
fixtures (every transaction and ledger entry of codec-fixtures.json).

    .venv/bin/python -m bench.codec [--repeat N] [--data DIR]

For each operation it prints the microseconds per call of xpay and of xrpl-py (best of N timed
passes over the fixture set) and how many times faster xpay is. The JSON-layer rows compare like
with like (hex <-> rippled JSON); the native rows show what the ledger engine pays on its own
path (bytes <-> Python values) next to xrpl-py's only path. Sign and verify are Ed25519 over
the fixture transactions' signing data. Targets (brief): decode + encode >= 10x, sign + verify
>= 50x.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrpl.core import binarycodec, keypairs

from bench.headline import Headline
from xpay.codec import (
    decode,
    decode_native,
    encode,
    encode_for_signing,
    encode_native,
    encode_seed,
    from_json,
)
from xpay.crypto import KeyPair, signing_data, verify, verify_transaction

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "xrpl-data"


def per_call_us(fn: Callable[[Any], object], items: Sequence[Any], repeat: int) -> float:
    """Best-of-`repeat` microseconds per call of `fn` over `items`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


@dataclass(frozen=True, slots=True)
class Row:
    operation: str
    xpay_us: float
    xrpl_py_us: float

    @property
    def ratio(self) -> float:
        return self.xrpl_py_us / self.xpay_us


def run(data_dir: Path, repeat: int) -> list[Row]:
    fixtures = json.loads((data_dir / "codec-fixtures.json").read_text())
    objects = fixtures["transactions"] + fixtures["accountState"]
    hexes = [case["binary"] for case in objects]
    jsons = [case["json"] for case in objects]
    blobs = [bytes.fromhex(h) for h in hexes]
    natives = [decode_native(b) for b in blobs]
    tx_jsons = [case["json"] for case in fixtures["transactions"]]

    # Sign the fixture transactions with one Ed25519 key so both sides sign the same bytes.
    seed = encode_seed(bytes(range(16)))
    keypair = KeyPair.from_seed(seed)
    public_hex, private_hex = keypairs.derive_keypair(seed)
    signed_natives = []
    for tx in tx_jsons:
        native = from_json(tx)
        native["SigningPubKey"] = keypair.public_key
        native["TxnSignature"] = keypair.sign(signing_data(native))
        signed_natives.append(native)
    messages = [signing_data(n) for n in signed_natives]
    signatures = [n["TxnSignature"] for n in signed_natives]
    pairs = list(zip(messages, signatures))
    # xrpl-py's Ed25519 is pure Python (milliseconds a call): fewer passes keep the run short.
    slow = max(1, repeat // 3)

    rows = [
        Row(
            "decode (hex -> JSON)",
            per_call_us(decode, hexes, repeat),
            per_call_us(binarycodec.decode, hexes, slow),
        ),
        Row(
            "encode (JSON -> hex)",
            per_call_us(encode, jsons, repeat),
            per_call_us(binarycodec.encode, jsons, slow),
        ),
        Row(
            "signing serialisation (JSON)",
            per_call_us(encode_for_signing, tx_jsons, repeat),
            per_call_us(binarycodec.encode_for_signing, tx_jsons, slow),
        ),
        Row(
            "sign (Ed25519)",
            per_call_us(keypair.sign, messages, repeat),
            per_call_us(lambda m: keypairs.sign(m, private_hex), messages, 1),
        ),
        Row(
            "verify (Ed25519)",
            per_call_us(lambda p: verify(keypair.public_key, p[0], p[1]), pairs, repeat),
            per_call_us(lambda p: keypairs.is_valid_message(p[0], p[1], public_hex), pairs, 1),
        ),
    ]
    by_name = {row.operation: row for row in rows}
    rows.append(_combined("decode + encode", by_name["decode (hex -> JSON)"], by_name["encode (JSON -> hex)"]))  # fmt: skip
    rows.append(_combined("sign + verify", by_name["sign (Ed25519)"], by_name["verify (Ed25519)"]))
    # The native layer against xrpl-py's (only, JSON) path for the same work.
    rows += [
        Row(
            "native decode (bytes -> values)",
            per_call_us(decode_native, blobs, repeat),
            by_name["decode (hex -> JSON)"].xrpl_py_us,
        ),
        Row(
            "native encode (values -> bytes)",
            per_call_us(encode_native, natives, repeat),
            by_name["encode (JSON -> hex)"].xrpl_py_us,
        ),
        Row(
            "native signing serialisation",
            per_call_us(signing_data, signed_natives, repeat),
            by_name["signing serialisation (JSON)"].xrpl_py_us,
        ),
        Row(
            "verify_transaction (native tx)",
            per_call_us(verify_transaction, signed_natives, repeat),
            by_name["signing serialisation (JSON)"].xrpl_py_us
            + by_name["verify (Ed25519)"].xrpl_py_us,
        ),
    ]
    return rows


def _combined(name: str, a: Row, b: Row) -> Row:
    return Row(name, a.xpay_us + b.xpay_us, a.xrpl_py_us + b.xrpl_py_us)


def render(rows: Sequence[Row], objects: int, transactions: int) -> str:
    lines = [
        f"xpay vs xrpl-py on {objects} fixture objects ({transactions} transactions); "
        "microseconds per call, best of the timed passes",
        "",
        f"{'operation':34} {'xpay us':>10} {'xrpl-py us':>12} {'xpay faster':>12}",
        "-" * 71,
    ]
    for row in rows:
        lines.append(
            f"{row.operation:34} {row.xpay_us:10.2f} {row.xrpl_py_us:12.2f} {row.ratio:11.1f}x"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.codec", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="timed passes (best is kept)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the xrpl-data folder")
    args = parser.parse_args(argv)
    fixtures = json.loads((args.data / "codec-fixtures.json").read_text())
    rows = run(args.data, max(1, args.repeat))
    print(
        render(
            rows,
            len(fixtures["transactions"]) + len(fixtures["accountState"]),
            len(fixtures["transactions"]),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())


def headline(repeat: int = 3) -> list[Headline]:
    """`xpay bench all`'s rows: decode + encode and sign + verify, xpay against xrpl-py."""
    rows = {row.operation: row for row in run(DEFAULT_DATA, repeat)}
    codec, keys = rows["decode + encode"], rows["sign + verify"]
    return [
        Headline("codec", "decode + encode, fixture objects", codec.xpay_us, "us", "-"),
        Headline("codec", "  faster than xrpl-py", codec.ratio, "x", ">= 10x"),
        Headline("codec", "sign + verify (Ed25519)", keys.xpay_us, "us", "-"),
        Headline("codec", "  faster than xrpl-py", keys.ratio, "x", ">= 50x"),
    ]
