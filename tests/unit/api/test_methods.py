"""The API's methods over a real in-process node, called through the dispatcher (no sockets):
the shapes rippled gives, per API version, and the errors it names."""

from __future__ import annotations

from pathlib import Path

from tests.support.node_process import GENESIS
from tests.unit.api.scenario import ALICE, BOB, CAROL, GW, scenario
from xpay.api.json_forms import close_time_iso


def _version_at_least(text: str, wanted: tuple[int, int, int]) -> bool:
    major, minor, patch = text.split(".")
    return (int(major), int(minor), int(patch.split("-")[0])) >= wanted


async def test_server_info_reports_what_xrpl_clients_read(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        info = (await s.ok("server_info"))["info"]
        assert info["network_id"] == 21337
        assert _version_at_least(info["build_version"], (1, 12, 0))
        assert info["complete_ledgers"] == "1-6" and info["server_state"] == "full"
        validated = info["validated_ledger"]
        assert validated["seq"] == 6 and validated["base_fee_xrp"] == 0.00001
        assert validated["reserve_base_xrp"] == 1 and validated["reserve_inc_xrp"] == 0.2
        assert validated["hash"] == s.node.master.validated_ledger.hash.hex().upper()
        state = (await s.ok("server_state"))["state"]
        assert state["validated_ledger"]["reserve_inc"] == 200_000 and state["load_base"] == 256
        fee = await s.ok("fee")
        assert fee["drops"]["open_ledger_fee"] == "10" and fee["ledger_current_index"] == 7


async def test_account_info_in_both_api_versions(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        v2 = await s.ok("account_info", account=GW.address, ledger_index="validated", signer_lists=True, api_version=2)
        assert v2["account_data"]["Account"] == GW.address and v2["account_data"]["Sequence"] == 4
        assert v2["account_data"]["index"] and v2["account_flags"]["defaultRipple"] is True
        assert v2["signer_lists"] == [] and v2["validated"] is True and v2["ledger_index"] == 6
        v1 = await s.ok("account_info", account=GW.address, signer_lists=True)
        assert v1["account_data"]["signer_lists"] == [] and v1["ledger_current_index"] == 7
        assert v1["validated"] is False
        missing = await s.error("account_info", account=CAROL.address)
        assert missing["error"] == "actNotFound" and missing["error_code"] == 19
        assert missing["account"] == CAROL.address


async def test_account_lines_from_each_side_with_peer_filter_and_paging(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        alice = (await s.ok("account_lines", account=ALICE.address))["lines"]
        assert alice == [
            {
                "account": GW.address, "balance": "70", "currency": "USD", "limit": "1000",
                "limit_peer": "0", "quality_in": 0, "quality_out": 0,
            }
        ]
        gw = await s.ok("account_lines", account=GW.address, ledger_index="validated")
        assert {(line["account"], line["balance"], line["limit_peer"]) for line in gw["lines"]} == {
            (ALICE.address, "-70", "1000"),
            (BOB.address, "-30", "500"),
        }
        # The gateway reserves nothing for its customers' lines: all are default on its side.
        assert (await s.ok("account_lines", account=GW.address, ignore_default=True))["lines"] == []
        assert len((await s.ok("account_lines", account=ALICE.address, ignore_default=True))["lines"]) == 1
        only_bob = await s.ok("account_lines", account=GW.address, peer=BOB.address)
        assert [line["account"] for line in only_bob["lines"]] == [BOB.address]
        first = await s.ok("account_lines", account=GW.address, limit=1, admin=True)
        assert len(first["lines"]) == 1 and "marker" in first
        second = await s.ok("account_lines", account=GW.address, limit=1, marker=first["marker"], admin=True)
        assert len(second["lines"]) == 1 and "marker" not in second
        assert {first["lines"][0]["account"], second["lines"][0]["account"]} == {ALICE.address, BOB.address}
        bad = await s.error("account_lines", account=GW.address, marker=first["marker"][:-1] + "7")
        assert bad["error"] == "invalidParams"
        # A marker naming someone else's line is refused.
        bob_line = await s.ok("ledger_entry", ripple_state={"accounts": [BOB.address, GW.address], "currency": "USD"})
        foreign = await s.error("account_lines", account=ALICE.address, marker=f"{bob_line['index']},0")
        assert foreign["error"] == "invalidParams"


async def test_account_objects_filters_by_type(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        objects = (await s.ok("account_objects", account=GW.address))["account_objects"]
        assert {o["LedgerEntryType"] for o in objects} == {"RippleState"} and len(objects) == 2
        assert (await s.ok("account_objects", account=GW.address, type="offer"))["account_objects"] == []
        assert (await s.ok("account_objects", account=GW.address, type="check"))["account_objects"] == []
        assert (await s.error("account_objects", account=GW.address, type="nonsense"))["error"] == "invalidParams"


async def test_account_tx_pages_newest_first_and_oldest_first(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        everything = await s.ok("account_tx", account=ALICE.address, api_version=2)
        hashes = [t["hash"] for t in everything["transactions"]]
        assert hashes == [s.tx_hashes[n] for n in ("ripple", "issue", "alice_trust", f"fund_{ALICE.address}")]
        assert everything["ledger_index_min"] == 1 and everything["ledger_index_max"] == 6
        first = everything["transactions"][0]
        assert first["validated"] is True and first["ledger_index"] == 6 and first["tx_json"]["Account"] == ALICE.address
        assert "Amount" not in first["tx_json"] and first["tx_json"]["DeliverMax"]["value"] == "30"
        assert first["meta"]["delivered_amount"]["value"] == "30"
        assert first["close_time_iso"] == close_time_iso(s.node.master.validated_ledger.close_time)

        collected: list[str] = []
        marker = None
        while True:
            params = {"account": ALICE.address, "limit": 1, "forward": True, "api_version": 2}
            if marker is not None:
                params["marker"] = marker
            page = await s.ok("account_tx", admin=True, **params)
            collected += [t["hash"] for t in page["transactions"]]
            marker = page.get("marker")
            if marker is None:
                break
            assert set(marker) == {"ledger", "seq"}
        assert collected == hashes[::-1]

        v1 = await s.ok("account_tx", account=ALICE.address, ledger_index_min=6, ledger_index_max=6)
        [only] = v1["transactions"]
        assert only["tx"]["hash"] == s.tx_hashes["ripple"] and only["tx"]["Amount"] == only["tx"]["DeliverMax"]
        assert only["tx"]["inLedger"] == 6 and "metaData" not in only and only["meta"]["TransactionResult"] == "tesSUCCESS"
        binary = await s.ok("account_tx", account=ALICE.address, binary=True, limit=1, api_version=2)
        assert set(binary["transactions"][0]) == {"tx_blob", "meta_blob", "ledger_index", "validated"}


async def test_tx_in_both_api_versions_with_delivered_amount_and_ctid(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        tx_hash = s.tx_hashes["ripple"]
        v2 = await s.ok("tx", transaction=tx_hash, api_version=2)
        assert v2["validated"] is True and v2["ledger_index"] == 6 and v2["hash"] == tx_hash
        assert v2["tx_json"]["DeliverMax"] == {"currency": "USD", "issuer": GW.address, "value": "30"}
        assert v2["meta"]["delivered_amount"] == v2["tx_json"]["DeliverMax"]
        assert v2["meta"]["TransactionResult"] == "tesSUCCESS" and v2["ctid"].startswith("C000000600")
        v1 = await s.ok("tx", transaction=tx_hash.lower())
        assert v1["Account"] == ALICE.address and v1["Amount"] == v1["DeliverMax"] and v1["inLedger"] == 6
        by_ctid = await s.ok("tx", ctid=v2["ctid"], api_version=2)
        assert by_ctid["hash"] == tx_hash
        binary = await s.ok("tx", transaction=tx_hash, binary=True, api_version=2)
        assert binary["tx_blob"] and binary["meta_blob"]
        missing = await s.error("tx", transaction="00" * 32, min_ledger=1, max_ledger=6)
        assert missing["error"] == "txnNotFound" and missing["searched_all"] is True
        assert (await s.error("tx", transaction="zz"))["error"] == "notImpl"


async def test_ledger_by_every_selector_with_transactions(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        validated = s.node.master.validated_ledger
        by_index = await s.ok("ledger", ledger_index=6, api_version=2)
        by_hash = await s.ok("ledger", ledger_hash=validated.hash.hex(), api_version=2)
        by_name = await s.ok("ledger", ledger_index="validated", api_version=2)
        assert by_index == by_hash == by_name
        assert by_index["ledger"]["ledger_index"] == 6 and by_index["ledger_hash"] == validated.hash.hex().upper()
        assert (await s.ok("ledger", ledger_index="closed"))["ledger"]["ledger_index"] == "6"
        current = await s.ok("ledger", ledger_index="current", api_version=2)
        assert current["ledger"]["closed"] is False and current["ledger_current_index"] == 7
        assert "ledger_index" not in current and current["validated"] is False
        listed = await s.ok("ledger", ledger_index=6, transactions=True)
        assert listed["ledger"]["transactions"] == [s.tx_hashes["ripple"]]
        expanded = await s.ok("ledger", ledger_index=6, transactions=True, expand=True, api_version=2)
        [tx] = expanded["ledger"]["transactions"]
        assert tx["hash"] == s.tx_hashes["ripple"] and tx["validated"] is True and "tx_json" in tx
        old = await s.ok("ledger", ledger_index=2, transactions=True, expand=True)
        assert len(old["ledger"]["transactions"]) == 3 and all("metaData" in t for t in old["ledger"]["transactions"])
        assert (await s.ok("ledger_closed"))["ledger_index"] == 6
        assert (await s.ok("ledger_current"))["ledger_current_index"] == 7
        assert (await s.error("ledger", ledger_index=99))["error"] == "lgrNotFound"
        assert (await s.error("ledger", full=True))["error"] == "noPermission"
        state = await s.ok("ledger", ledger_index="validated", accounts=True, admin=True)
        assert len(state["ledger"]["accountState"]) == len(validated.state)


async def test_ledger_entry_by_each_selector(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        root = await s.ok("ledger_entry", account_root=ALICE.address, ledger_index="validated")
        assert root["node"]["Account"] == ALICE.address and root["node"]["index"] == root["index"]
        by_index = await s.ok("ledger_entry", index=root["index"], ledger_index="validated")
        assert by_index["node"] == root["node"]
        line = await s.ok("ledger_entry", ripple_state={"accounts": [ALICE.address, GW.address], "currency": "USD"})
        assert line["node"]["LedgerEntryType"] == "RippleState"
        directory = await s.ok("ledger_entry", directory={"owner": GW.address})
        assert len(directory["node"]["Indexes"]) == 2
        binary = await s.ok("ledger_entry", account_root=GW.address, binary=True)
        assert binary["node_binary"]
        assert (await s.error("ledger_entry", account_root=CAROL.address))["error"] == "entryNotFound"


async def test_gateway_balances_and_noripple_check(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        plain = await s.ok("gateway_balances", account=GW.address, ledger_index="validated")
        assert plain["obligations"] == {"USD": "100"} and "balances" not in plain
        hot = await s.ok("gateway_balances", account=GW.address, hotwallet=[BOB.address])
        assert hot["obligations"] == {"USD": "70"}
        assert hot["balances"] == {BOB.address: [{"currency": "USD", "value": "30"}]}
        assert (await s.error("gateway_balances", account=GW.address, hotwallet="nope"))["error"] == "invalidHotWallet"

        gateway = await s.ok("noripple_check", account=GW.address, role="gateway", transactions=True)
        assert gateway["problems"] == [] and gateway["transactions"] == []
        user = await s.ok("noripple_check", account=ALICE.address, role="user", transactions=True)
        assert len(user["problems"]) == 1 and "set the no ripple flag" in user["problems"][0]
        [fix] = user["transactions"]
        assert fix["TransactionType"] == "TrustSet" and fix["Flags"] == 0x00020000 and fix["Sequence"] == 4
        assert (await s.error("noripple_check", account=ALICE.address))["error"] == "invalidParams"


async def test_sign_and_submit_with_a_secret_are_admin_only(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        tx_json = {"TransactionType": "Payment", "Account": ALICE.address, "Destination": BOB.address, "Amount": "1000"}
        assert (await s.error("sign", tx_json=tx_json, secret=ALICE.seed))["error"] == "noPermission"
        assert (await s.error("submit", tx_json=tx_json, secret=ALICE.seed))["error"] == "noPermission"
        signed = await s.ok("sign", tx_json=tx_json, secret=ALICE.seed, admin=True)
        assert signed["tx_json"]["Sequence"] == 4 and signed["tx_json"]["NetworkID"] == 21337
        assert signed["tx_json"]["Fee"] == "10" and signed["tx_json"]["SigningPubKey"] == ALICE.public_key.hex().upper()
        submitted = await s.ok("submit", tx_blob=signed["tx_blob"])
        assert submitted["engine_result"] == "tesSUCCESS" and submitted["applied"] is True
        assert submitted["tx_json"]["hash"] == signed["tx_json"]["hash"]
        assert submitted["account_sequence_next"] == 5 and submitted["validated_ledger_index"] == 6
        again = await s.ok("submit", tx_json=tx_json, secret=ALICE.seed, admin=True)
        assert again["engine_result"] == "tesSUCCESS" and again["tx_json"]["Sequence"] == 5
        assert (await s.error("sign", tx_json=tx_json, secret=BOB.seed, admin=True))["error"] == "badSecret"
        assert (await s.error("sign", tx_json=tx_json, secret="snotaseed", admin=True))["error"] == "badSeed"
        unknown = {**tx_json, "Account": CAROL.address}
        assert (await s.error("sign", tx_json=unknown, secret=CAROL.seed, admin=True))["error"] == "srcActNotFound"


async def test_wallet_propose_matches_the_key_derivation(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        assert (await s.error("wallet_propose", seed=GENESIS.seed))["error"] == "noPermission"
        proposed = await s.ok("wallet_propose", seed=GENESIS.seed, admin=True)
        assert proposed["account_id"] == GENESIS.address and proposed["master_seed"] == GENESIS.seed
        assert proposed["key_type"] == "ed25519"
        fresh = await s.ok("wallet_propose", admin=True)
        assert fresh["account_id"] != GENESIS.address


async def test_ledger_accept_is_admin_only_and_answers_the_new_current_index(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        assert (await s.error("ledger_accept"))["error"] == "noPermission"
        assert (await s.ok("ledger_accept", admin=True)) == {"ledger_current_index": 8}
        assert (await s.ok("ping")) == {} and (await s.ok("ping", admin=True)) == {"role": "admin"}


async def test_ledgers_older_than_the_cache_are_served_from_the_store(tmp_path: Path) -> None:
    async with scenario(tmp_path, ledger_cache_size=2) as s:
        assert s.node.master.ledger_by_seq(2) is None
        old = await s.ok("ledger", ledger_index=2, transactions=True, expand=True, api_version=2)
        assert old["validated"] is True and len(old["ledger"]["transactions"]) == 3
        assert all(t["meta"]["TransactionResult"] == "tesSUCCESS" for t in old["ledger"]["transactions"])
        stored = s.node.store.ledger(2)
        assert stored is not None and old["ledger_hash"] == stored.hash.hex().upper()
        # Its state is gone from memory: state lookups there are lgrNotFound, as on a pruned rippled.
        assert (await s.error("account_info", account=ALICE.address, ledger_index=2))["error"] == "lgrNotFound"
        assert (await s.ok("tx", transaction=s.tx_hashes[f"fund_{ALICE.address}"]))["validated"] is True
