"""The `xpay` command.

Subcommands come in groups (`wallet`, `tx`, `codec`, ...). Each group is one function that
registers its subparsers on the top-level parser and sets `func` on each command; the parser is
built from `COMMAND_GROUPS`, so adding a group is adding its function to that tuple. A command
function takes the parsed arguments and returns an exit status; bad input is reported by raising
`CommandError` (or any `ValueError` from the codec), which `main` turns into a one-line message on
stderr and exit status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from bench.commands import add_bench_commands
from gateways.commands import add_gateway_commands
from xpay.codec import decode, encode, encode_account_public, to_json
from xpay.codec.native import decode_native
from xpay.crypto import KeyPair, sign_transaction
from xpay.node.config_file import add_node_command
from xpay.node.devnet import add_devnet_command
from xpay.node.standalone import add_standalone_command

EXIT_USAGE = 2
"""Exit status for bad input, as argparse uses for bad arguments."""


class CommandError(Exception):
    """Bad input to a command: reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become CommandError (one line, no usage dump)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("xpay").strip()  # "wallet propose" for a subcommand
        raise CommandError(f"{command}: {message}" if command else message)


SubParsers = Any
"""argparse's subparsers action (its class is private)."""
CommandGroup = Callable[[SubParsers], None]


def _read_json_stdin() -> dict[str, Any]:
    text = sys.stdin.read()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"stdin is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CommandError("stdin must hold a JSON object")
    return value


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2))


# --- wallet ----------------------------------------------------------------------------------


def wallet_propose(args: argparse.Namespace) -> int:
    """rippled's `wallet_propose` result for a new (or the given) Ed25519 seed."""
    keypair = KeyPair.from_seed(args.seed) if args.seed is not None else KeyPair.generate()
    _print_json(
        {
            "account_id": keypair.address,
            "key_type": "ed25519",
            "master_seed": keypair.seed,
            "master_seed_hex": keypair.seed_entropy.hex().upper(),
            "public_key": encode_account_public(keypair.public_key),
            "public_key_hex": keypair.public_key.hex().upper(),
        }
    )
    return 0


def add_wallet_commands(subparsers: SubParsers) -> None:
    wallet = subparsers.add_parser("wallet", help="keys and addresses")
    commands = wallet.add_subparsers(dest="wallet_command", required=True)
    propose = commands.add_parser(
        "propose", help="print a new key pair as rippled's wallet_propose does"
    )
    propose.add_argument("--seed", help="derive from this Ed25519 seed (sEd…) instead")
    propose.set_defaults(func=wallet_propose)


# --- tx --------------------------------------------------------------------------------------


def tx_sign(args: argparse.Namespace) -> int:
    """Sign the transaction JSON on stdin; print tx_blob, hash and the signed tx_json."""
    keypair = KeyPair.from_seed(args.secret)
    blob, tx_hash = sign_transaction(_read_json_stdin(), keypair)
    tx_json = to_json(decode_native(bytes.fromhex(blob)))
    tx_json["hash"] = tx_hash
    _print_json({"tx_blob": blob, "hash": tx_hash, "tx_json": tx_json})
    return 0


def add_tx_commands(subparsers: SubParsers) -> None:
    tx = subparsers.add_parser("tx", help="transactions")
    commands = tx.add_subparsers(dest="tx_command", required=True)
    sign = commands.add_parser("sign", help="sign the transaction JSON read from stdin")
    sign.add_argument("--secret", required=True, help="the signing account's seed (sEd…)")
    sign.set_defaults(func=tx_sign)


# --- codec -----------------------------------------------------------------------------------


def codec_decode(args: argparse.Namespace) -> int:
    """Print the JSON of a hex blob."""
    _print_json(decode(args.hex.strip()))
    return 0


def codec_encode(args: argparse.Namespace) -> int:
    """Print the hex blob of the JSON object on stdin."""
    print(encode(_read_json_stdin()))
    return 0


def add_codec_commands(subparsers: SubParsers) -> None:
    codec = subparsers.add_parser("codec", help="the XRPL binary codec")
    commands = codec.add_subparsers(dest="codec_command", required=True)
    dec = commands.add_parser("decode", help="print the JSON of a hex blob")
    dec.add_argument("hex", help="the serialised object as hex")
    dec.set_defaults(func=codec_decode)
    enc = commands.add_parser("encode", help="print the hex blob of the JSON on stdin")
    enc.set_defaults(func=codec_encode)


# --- the command -----------------------------------------------------------------------------

COMMAND_GROUPS: tuple[CommandGroup, ...] = (
    add_wallet_commands,
    add_tx_commands,
    add_codec_commands,
    add_standalone_command,
    add_devnet_command,
    add_node_command,
    add_gateway_commands,
    add_bench_commands,
)
"""Every command group, in help order. Add a group by adding its registration function."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xpay", description="xpay: a cross-border payment network.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in COMMAND_GROUPS:
        register(subparsers)
    return parser


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except SystemExit as exc:  # --help and --version print and exit cleanly
        return exc.code if isinstance(exc.code, int) else 0
    except (CommandError, ValueError) as exc:  # CodecError is a ValueError
        print(f"xpay: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
