"""`xpay gateway --config FILE`: a bad configuration is one clear line on stderr and exit status 2,
with no book created and nothing sent to the ledger; a good one starts the gateway as a real
process, which serves its API and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from gateways.gateway.command import READY_LINE
from tests.integration.test_gateway_world import (
    GENESIS_WALLET,
    DevnetProcess,
    client,
    fund,
    network,
    rpc,
)
from tests.support.ports import free_port
from xpay.cli import main
from xpay.client import Wallet, WebSocketClient

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module

ISSUING, OPERATIONAL = Wallet.generate(), Wallet.generate()


def config_text(node_url: str, book: Path, port: int, **replace: str) -> str:
    sections = {
        "top": f'name = "Config Bank"\ncurrencies = ["USD"]\nbook = "{book}"\n',
        "node": f'[node]\nurl = "{node_url}"\n',
        "issuing": f'[issuing]\nseed = "{ISSUING.seed}"\ntransfer_rate = 1002000000\nrequire_auth = true\n',
        "operational": f'[operational]\nseed = "{OPERATIONAL.seed}"\nlimit = "1000000"\nfloat = "1000"\n',
        "api": f"[api]\nport = {port}\n",
    }
    sections.update(replace)
    return "\n".join(sections.values())


SECRET_TYPO = "sEdTM1uX8pu2do5XvTnutH6HsouMaM3"


def bad_configs() -> list[tuple[str, dict[str, str], str]]:
    """(what, sections replaced, what the error names)."""
    return [
        ("no issuing seed", {"issuing": "[issuing]\ntransfer_rate = 1002000000\n"}, "issuing.seed: missing"),
        ("a seed with a typo", {"issuing": f'[issuing]\nseed = "{SECRET_TYPO}"\n'}, "issuing.seed: not an Ed25519"),
        ("a secp256k1-style seed", {"operational": '[operational]\nseed = "snoPBrXtMeMyMHUVTgbuqAfg1SUTb"\n'},
         "operational.seed"),
        ("a transfer rate below parity",
         {"issuing": f'[issuing]\nseed = "{ISSUING.seed}"\ntransfer_rate = 900000000\n'}, "issuing.transfer_rate"),
        ("a transfer rate above 100 %",
         {"issuing": f'[issuing]\nseed = "{ISSUING.seed}"\ntransfer_rate = 2000000001\n'}, "issuing.transfer_rate"),
        ("a transfer rate as a fraction",
         {"issuing": f'[issuing]\nseed = "{ISSUING.seed}"\ntransfer_rate = 1.002\n'}, "issuing.transfer_rate"),
        ("a float as an amount",
         {"operational": f'[operational]\nseed = "{OPERATIONAL.seed}"\nfloat = 1000.5\n'}, "operational.float"),
        ("the float above the limit",
         {"operational": f'[operational]\nseed = "{OPERATIONAL.seed}"\nlimit = "10"\nfloat = "100"\n'},
         "operational.float"),
        ("one seed for both addresses",
         {"operational": f'[operational]\nseed = "{ISSUING.seed}"\n'}, "operational.seed"),
        ("XRP as an issued currency", {"top": 'currencies = ["XRP"]\nbook = "b.sqlite"\n'}, "currencies[0]"),
        ("a typo in a key", {"api": "[api]\nprot = 8080\n"}, "unknown setting: api.prot"),
        ("a bad node URL", {"node": '[node]\nurl = "ftp://node"\n'}, "node.url"),
        ("a port out of range", {"api": "[api]\nport = 70000\n"}, "api.port"),
        ("not TOML", {"top": "name = \n"}, "not valid TOML"),
    ]


def test_bad_configurations_are_one_line_errors_that_change_nothing(
    network: DevnetProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = network.json_rpc[0]
    book = tmp_path / "book.sqlite"
    ledger_before = rpc(url, "account_info", account=GENESIS_WALLET.address, ledger_index="validated")
    for what, replaced, named in bad_configs():
        path = tmp_path / "gateway.toml"
        path.write_text(config_text(network.url, book, 0, **replaced))
        status = main(["gateway", "--config", str(path)])
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert status == 2, what
        assert len(lines) == 1 and lines[0].startswith("xpay: error: "), (what, captured.err)
        assert named in lines[0], (what, lines[0])
        assert SECRET_TYPO not in captured.err and ISSUING.seed not in captured.err, "seeds are never echoed"
        assert not book.exists(), what
    missing = main(["gateway", "--config", str(tmp_path / "absent.toml")])
    assert missing == 2 and "no such configuration file" in capsys.readouterr().err
    for address in (ISSUING.address, OPERATIONAL.address):
        assert rpc(url, "account_info", account=address)["error"] == "actNotFound", "nothing was funded or sent"
    ledger_after = rpc(url, "account_info", account=GENESIS_WALLET.address, ledger_index="validated")
    assert ledger_after["account_data"]["Sequence"] == ledger_before["account_data"]["Sequence"]


async def test_an_unfunded_issuing_address_stops_the_gateway_before_it_creates_its_book(
    network: DevnetProcess, tmp_path: Path
) -> None:
    path = tmp_path / "gateway.toml"
    book = tmp_path / "book.sqlite"
    path.write_text(config_text(network.url, book, free_port()))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xpay.cli", "gateway", "--config", str(path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, stderr = await process.communicate()
    assert process.returncode == 1
    assert f"the issuing address {ISSUING.address} is not funded" in stderr.decode()
    assert not book.exists()


@pytest.mark.slow
async def test_a_good_configuration_runs_the_gateway_process_until_sigterm(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    issuing, operational = Wallet.generate(), Wallet.generate()
    await fund(client, issuing, operational)
    port = free_port()
    path = tmp_path / "gateway.toml"
    path.write_text(config_text(network.url, tmp_path / "book.sqlite", port, issuing=(
        f'[issuing]\nseed = "{issuing.seed}"\ntransfer_rate = 1002000000\nrequire_auth = true\n'),
        operational=f'[operational]\nseed = "{operational.seed}"\n'))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xpay.cli", "gateway", "--config", str(path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            first = (await process.stdout.readline()).decode()
        assert first.startswith(f"{READY_LINE}: Config Bank"), first
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/health") as response:
            health = await response.json()
        assert (health["issuing_address"], health["operational_address"]) == (issuing.address, operational.address)
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert "xpay gateway stopped" in stdout.decode()
    info = await client.account_info(issuing.address, ledger_index="validated")
    assert info.raw["account_flags"]["requireAuthorization"]
