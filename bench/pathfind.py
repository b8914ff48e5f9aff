"""Pathfinding benchmark: query latency, index update time, growth with the world, best-route check.

    .venv/bin/python -m bench.pathfind                       # the target world (10k accounts)
    .venv/bin/python -m bench.pathfind --scales 0.1,0.3,1    # growth with the world's size
    .venv/bin/python -m bench.pathfind --queries 500 --level 6 --json
    .venv/bin/python -m bench.pathfind --profile             # cProfile of the queries

For each world size (bench.worlds.generate_world, scaled from 10,000 accounts / ~50,000 trust
lines / 500 books / 50,000 offers):

* **ripple_path_find latency**: random requests between users — domestic (same currency) and
  cross-border (another country's currency, issuer = the receiver: "any gateway it trusts"),
  a fifth of them "as much as possible" (-1) with a SendMax — timed one by one on the indexed
  closed ledger; p50 / p90 / p99 / max, how many found an alternative, steps spent.
* **index update per closed ledger**: ledgers of `--txs` real transactions (payments rippling
  through gateways, market makers placing and cancelling offers, new trust lines), built with
  the transaction pipeline; the time of `PathIndex.update(ledger)` for each, and a check that the
  updated index equals one rebuilt from scratch.
* **best route** (`--exhaustive N`): on N small random worlds, the engine's best alternative is
  compared with the best single path an exhaustive search of the same path shapes finds
  (pathfinding.exhaustive): delivered amount for the same SendMax.

Measured on a shared 2-core VM (CPython 3.11), search level 4, gc frozen after loading:

    world            p50      p99      index update / 1000-tx ledger (from ledgers | given keys)
    1k accounts      5.5 ms   14 ms     9 ms |  8 ms
    3k accounts      8.8 ms   24 ms    16 ms | 11 ms
    10k accounts     7.6 ms   18 ms    22 ms | 13 ms   (level 6: p50 38 ms, p99 78-112 ms)

Query time is bounded by the trial payments that rank each candidate path (two engine runs per
path, ~0.5-1 ms each) and then by the search's walk over gateways' lines; it grows with the
number of complete paths a level admits far more than with the world. The index update is
bounded by the walk over the state maps' differing nodes (~1.3 us a node, ~13,000 nodes per
1000-tx ledger, half of them the single-branch chains above book directories).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from bench.headline import Headline
from bench.worlds import World, WorldSize, generate_world
from pathfinding.budget import SearchBudget
from pathfinding.index import PathIndex
from pathfinding.request import SearchLevels, amount_from_json, ripple_path_find
from xpay.amounts import Issue, STAmount, currency_from_code
from xpay.codec import decode_native, encode_account_id
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import Offer, RippleState
from xpay.ledger.ledger import Ledger
from xpay.protocol.ids import AccountID, Currency
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.build import build_ledger
from xpay.tx.rules import Rules
from xpay.tx.transaction import Transaction


@dataclass(slots=True)
class QueryStats:
    queries: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    found: int
    mean_steps: int
    max_steps: int
    budget_exhausted: int


@dataclass(slots=True)
class UpdateStats:
    ledgers: int
    txs_per_ledger: int
    applied_mean: int
    entries_changed_mean: int
    update_mean_ms: float
    update_max_ms: float
    update_cpu_mean_ms: float
    keyed_update_mean_ms: float
    keyed_update_max_ms: float
    keyed_update_cpu_mean_ms: float
    rebuild_ms: float
    matches_rebuild: bool


def _pct(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


# -- queries ------------------------------------------------------------------------------------


def requests(world: World, rng: random.Random, n: int) -> Iterator[dict[str, Any]]:
    """`n` ripple_path_find requests between the world's users."""
    for _ in range(n):
        src, dst = rng.sample(world.users, 2)
        if rng.random() < 0.4:
            # Domestic: a receiver at home in the sender's currency.
            home = world.user_currency[src]
            same = [u for u in rng.sample(world.users, min(50, len(world.users))) if world.user_currency[u] == home and u != src]
            if same:
                dst = same[0]
        code = world.user_currency[dst]
        params: dict[str, Any] = {
            "source_account": encode_account_id(src),
            "destination_account": encode_account_id(dst),
        }
        if rng.random() < 0.2:
            params["destination_amount"] = {"currency": code, "issuer": encode_account_id(dst), "value": "-1"}
            send_code = world.user_currency[src]
            units = Decimal(rng.randint(10, 500))
            params["send_max"] = {"currency": send_code, "issuer": encode_account_id(src), "value": str(units)}
        else:
            value = Decimal(rng.randint(1, 500)) / world.fx[code] / Decimal(10)
            params["destination_amount"] = {"currency": code, "issuer": encode_account_id(dst), "value": f"{value:.2f}"}
        yield params


def measure_queries(
    index: PathIndex, batch: list[dict[str, Any]], levels: SearchLevels, steps: int | None, profiler: cProfile.Profile | None
) -> tuple[list[float], list[float], list[int], int]:
    """(wall ms, CPU ms, steps) per query, and how many found an alternative. A query that
    ran out of budget has its steps recorded as negative."""
    wall: list[float] = []
    cpu: list[float] = []
    steps_used: list[int] = []
    found = 0
    for params in batch:
        budget = SearchBudget(steps)
        if profiler is not None:
            profiler.enable()
        t0 = time.perf_counter()
        c0 = time.process_time()
        result = ripple_path_find(index, params, levels=levels, budget=budget)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
        if profiler is not None:
            profiler.disable()
        steps_used.append(-budget.used if budget.exhausted else budget.used)
        found += bool(result["alternatives"])
    return wall, cpu, steps_used, found


def query_stats(wall: list[float], cpu: list[float], steps_used: list[int], found: int) -> QueryStats:
    wall = sorted(wall)
    cpu = sorted(cpu)
    return QueryStats(
        queries=len(wall),
        p50_ms=round(_pct(wall, 0.50), 2),
        p90_ms=round(_pct(wall, 0.90), 2),
        p99_ms=round(_pct(wall, 0.99), 2),
        max_ms=round(wall[-1], 2),
        mean_ms=round(statistics.fmean(wall), 2),
        cpu_p50_ms=round(_pct(cpu, 0.50), 2),
        cpu_p99_ms=round(_pct(cpu, 0.99), 2),
        found=found,
        mean_steps=int(statistics.fmean(abs(s) for s in steps_used)),
        max_steps=max(abs(s) for s in steps_used),
        budget_exhausted=sum(1 for s in steps_used if s < 0),
    )


# -- index updates ------------------------------------------------------------------------------


class TxFactory:
    """Real transactions over a world: payments, offers placed and cancelled, new lines."""

    def __init__(self, world: World, ledger: Ledger, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.sequences: dict[AccountID, int] = {}
        self.ledger = ledger
        # Who holds what at which gateway, for payments that ripple through a gateway.
        self.holders: dict[tuple[AccountID, bytes], list[AccountID]] = {}
        self.holdings: dict[AccountID, list[tuple[AccountID, bytes]]] = {}
        for user in world.users:
            for _page, key in dir_entries(ledger, keylet.owner_dir(user)):
                line = ledger.read_key(key)
                if type(line) is RippleState:
                    gw = line.high_account if line.low_account == user else line.low_account
                    self.holders.setdefault((gw, line.currency), []).append(user)
                    self.holdings.setdefault(user, []).append((gw, line.currency))

    def _seq(self, account: AccountID) -> int:
        seq = self.sequences.get(account)
        if seq is None:
            root = self.ledger.read(keylet.account(account))
            assert root is not None
            seq = root.sequence
        self.sequences[account] = seq + 1
        return seq

    def _tx(self, fields: dict[str, Any]) -> Transaction:
        account = AccountID(fields["Account"])
        fields["Sequence"] = self._seq(account)
        fields["Fee"] = STAmount.from_drops(12)
        fields["SigningPubKey"] = self.world.keys[account].public_key
        return Transaction.from_fields(fields)

    def payment(self) -> Transaction:
        rng = self.rng
        while True:
            src = rng.choice(self.world.users)
            mine = self.holdings.get(src)
            if not mine:
                continue
            gw, currency = rng.choice(mine)
            others = [u for u in self.holders[(gw, currency)] if u != src]
            if others:
                break
        dst = rng.choice(others)
        amount = STAmount.from_value_text(str(rng.randint(1, 20)), _issue(currency, gw))
        return self._tx({"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": amount})

    def offer_create(self) -> Transaction:
        rng = self.rng
        pays_issue, gets_issue = rng.choice(self.world.books)
        mm = rng.choice(self.world.market_makers)
        gets = _units(gets_issue, rng.randint(1, 50), self.world)
        # Far from the market: the offer rests in the book (a new quality directory often).
        pays = _units(pays_issue, rng.randint(200, 400), self.world)
        return self._tx({"TransactionType": TransactionType.OfferCreate, "Account": mm, "TakerPays": pays, "TakerGets": gets})

    def offer_cancel(self) -> Transaction | None:
        rng = self.rng
        mm = rng.choice(self.world.market_makers)
        offers = [o for _p, k in dir_entries(self.ledger, keylet.owner_dir(mm)) if type(o := self.ledger.read_key(k)) is Offer]
        if not offers:
            return None
        offer = rng.choice(offers)
        assert isinstance(offer, Offer)
        return self._tx({"TransactionType": TransactionType.OfferCancel, "Account": mm, "OfferSequence": offer.sequence})

    def trust_set(self) -> Transaction:
        rng = self.rng
        user = rng.choice(self.world.users)
        code = rng.choice(self.world.currencies)
        gw = rng.choice(self.world.gateways[code])
        limit = STAmount.from_value_text(str(rng.randint(100, 10_000)), _issue(currency_from_code(code), gw))
        return self._tx({"TransactionType": TransactionType.TrustSet, "Account": user, "LimitAmount": limit})

    def ledger_txs(self, n: int) -> list[Transaction]:
        out: list[Transaction] = []
        while len(out) < n:
            r = self.rng.random()
            tx: Transaction | None
            if r < 0.6:
                tx = self.payment()
            elif r < 0.8:
                tx = self.offer_create()
            elif r < 0.9:
                tx = self.offer_cancel()
            else:
                tx = self.trust_set()
            if tx is not None:
                out.append(tx)
        return out


def _issue(currency: bytes, issuer: AccountID) -> Issue:
    return Issue(Currency(currency), issuer)


def _units(issue: Issue, xrp_value: int, world: World) -> STAmount:
    if issue.is_xrp:
        return STAmount.from_drops(xrp_value * 1_000_000)
    code = issue.currency[12:15].decode()
    units = Decimal(xrp_value) / world.fx[code]
    return STAmount.from_value_text(f"{units:.4f}", issue)


def changed_keys(ledger: Ledger) -> list[bytes]:
    """The keys a ledger's transactions changed, from their metadata (what the node's store
    derives for its per-ledger diff), plus the entries a close changes by itself."""
    keys = {keylet.skip().key, keylet.fees().key}
    for _tx_id, _blob, meta in ledger.transactions():
        for wrapper in decode_native(meta).get("AffectedNodes", ()):
            for body in wrapper.values():
                keys.add(body["LedgerIndex"])
    return sorted(keys)


def run_node(
    world: World, index: PathIndex, args: argparse.Namespace, levels: SearchLevels
) -> tuple[QueryStats, UpdateStats | None]:
    """What a node does: a closed ledger of `--txs` transactions arrives, the index is updated,
    and queries are answered until the next one. The queries are spread over the ledgers."""
    rng = random.Random(args.seed)
    batch = list(requests(world, rng, args.queries))
    # One warm-up query (first-use caches), not counted.
    ripple_path_find(index, batch[0], levels=levels, budget=SearchBudget(args.steps))
    profiler = cProfile.Profile() if args.profile else None
    rules = Rules(network_id=0)
    ledger = index.ledger
    rounds = max(1, args.ledgers)
    chunk = -(-len(batch) // rounds)
    wall: list[float] = []
    cpu: list[float] = []
    steps_used: list[int] = []
    found = 0
    update_ms: list[float] = []
    update_cpu: list[float] = []
    keyed_ms: list[float] = []
    keyed_cpu: list[float] = []
    # A twin index fed the changed keys, as a node's store knows them from the metadata.
    twin = PathIndex(index.ledger) if args.ledgers else None
    if twin is not None:
        twin.warm()
    applied: list[int] = []
    changed: list[int] = []
    for i in range(rounds):
        if args.ledgers:
            factory = TxFactory(world, ledger, args.seed + i)
            txs = factory.ledger_txs(args.txs)
            ledger, report = build_ledger(ledger, txs, ledger.close_time + 10, 10, 0, rules, check_signatures=False)
            applied.append(len(report.applied))
            keys = changed_keys(ledger)
            gc.collect()
            t0 = time.perf_counter()
            c0 = time.process_time()
            done = index.update(ledger)
            update_cpu.append((time.process_time() - c0) * 1000)
            update_ms.append((time.perf_counter() - t0) * 1000)
            changed.append(done.entries_changed)
            assert twin is not None
            t0 = time.perf_counter()
            c0 = time.process_time()
            twin.update(ledger, keys)
            keyed_cpu.append((time.process_time() - c0) * 1000)
            keyed_ms.append((time.perf_counter() - t0) * 1000)
        w, c, st, f = measure_queries(index, batch[i * chunk : (i + 1) * chunk], levels, args.steps, profiler)
        wall += w
        cpu += c
        steps_used += st
        found += f
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    updates = None
    if args.ledgers:
        t0 = time.perf_counter()
        rebuilt = PathIndex(ledger)
        rebuild_ms = (time.perf_counter() - t0) * 1000
        updates = UpdateStats(
            ledgers=args.ledgers,
            txs_per_ledger=args.txs,
            applied_mean=int(statistics.fmean(applied)),
            entries_changed_mean=int(statistics.fmean(changed)),
            update_mean_ms=round(statistics.fmean(update_ms), 2),
            update_max_ms=round(max(update_ms), 2),
            update_cpu_mean_ms=round(statistics.fmean(update_cpu), 2),
            keyed_update_mean_ms=round(statistics.fmean(keyed_ms), 2),
            keyed_update_max_ms=round(max(keyed_ms), 2),
            keyed_update_cpu_mean_ms=round(statistics.fmean(keyed_cpu), 2),
            rebuild_ms=round(rebuild_ms, 1),
            matches_rebuild=rebuilt.snapshot() == index.snapshot() == (twin.snapshot() if twin else None),
        )
    return query_stats(wall, cpu, steps_used, found), updates


# -- best route against the exhaustive search ---------------------------------------------------


def exhaustive_check(worlds: int, seed: int, level: int) -> dict[str, Any]:
    """The engine's best alternative against the exhaustive search on small random worlds."""
    from pathfinding.exhaustive import best_single_path

    size = WorldSize(
        accounts=40, countries=3, gateways_per_country=2, lines_per_user=3, market_makers=3, books=8, offers_per_book=3, hubs_per_country=1
    )
    compared = engine_better_or_equal = engine_worse = 0
    worst: list[str] = []
    for w in range(worlds):
        world = generate_world(seed + w, size)
        index = PathIndex(world.ledger)
        rng = random.Random(seed + w)
        for _ in range(5):
            src, dst = rng.sample(world.users, 2)
            src_code = world.user_currency[src]
            dst_code = world.user_currency[dst]
            send_max = STAmount.from_value_text(str(rng.randint(5, 200)), _issue(currency_from_code(src_code), src))
            deliver = STAmount(-1, 0, _issue(currency_from_code(dst_code), dst))
            params = {
                "source_account": encode_account_id(src),
                "destination_account": encode_account_id(dst),
                "destination_amount": {"currency": dst_code, "issuer": encode_account_id(dst), "value": "-1"},
                "send_max": {"currency": src_code, "issuer": encode_account_id(src), "value": send_max.value_text()},
            }
            result = ripple_path_find(index, params, levels=SearchLevels(level, level, level), budget=SearchBudget(None))
            engine = max(
                (amount_from_json(a["destination_amount"]) for a in result["alternatives"]),
                default=STAmount.zero(deliver.issue),
            )
            reference = best_single_path(index, src, dst, deliver, send_max, level)
            if reference is None:
                continue
            compared += 1
            if engine >= reference.delivered:
                engine_better_or_equal += 1
            else:
                engine_worse += 1
                worst.append(f"world {seed + w}: engine {engine.value_text()} < exhaustive {reference.delivered.value_text()}")
    return {"worlds": worlds, "compared": compared, "engine_at_least_as_good": engine_better_or_equal, "engine_worse": engine_worse, "examples": worst[:5]}


# -- main ---------------------------------------------------------------------------------------


def run_scale(scale: Decimal, args: argparse.Namespace) -> dict[str, Any]:
    size = WorldSize().scaled(scale)
    t0 = time.perf_counter()
    world = generate_world(args.seed, size)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = PathIndex(world.ledger)
    index.warm()  # as PathfindingEngine does at startup
    index_s = time.perf_counter() - t0
    offers = sum(1 for _k, e in world.ledger.state.items() if type(e) is Offer)
    info: dict[str, Any] = {
        "scale": str(scale),
        "accounts": len(world.keys) - 1,
        "trust_lines": index.line_count(),
        "books": len(index.books),
        "offers": offers,
        "state_entries": len(world.ledger.state),
        "generate_s": round(gen_s, 1),
        "index_build_and_warm_s": round(index_s, 2),
    }
    if args.gc_freeze:
        # A node moves its long-lived heap (ledger state, index) out of the collector's sight
        # once loaded; otherwise a full collection walks it now and then (a second's pause).
        gc.collect()
        gc.freeze()
    levels = SearchLevels(args.level, args.level, max(args.level, 10))
    queries, updates = run_node(world, index, args, levels)
    info["query"] = asdict(queries)
    if updates is not None:
        info["update"] = asdict(updates)
    if args.gc_freeze:
        gc.unfreeze()
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1", help="world sizes relative to 10,000 accounts (comma-separated)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--level", type=int, default=SearchLevels().normal, help="search level for ripple_path_find")
    parser.add_argument("--steps", type=int, default=SearchBudget().limit, help="step budget per request (0: unlimited)")
    parser.add_argument("--ledgers", type=int, default=5, help="closed ledgers for the index update bench")
    parser.add_argument("--txs", type=int, default=1000, help="transactions per ledger")
    parser.add_argument("--exhaustive", type=int, default=0, help="small worlds for the best-route check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--no-gc-freeze", dest="gc_freeze", action="store_false", help="leave the loaded world in the cyclic GC's generations"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.steps == 0:
        args.steps = None
    report: dict[str, Any] = {"level": args.level, "steps": args.steps, "worlds": []}
    for text in args.scales.split(","):
        info = run_scale(Decimal(text), args)
        report["worlds"].append(info)
        if not args.json:
            _print_world(info)
    if args.exhaustive:
        report["exhaustive"] = exhaustive_check(args.exhaustive, args.seed, args.level)
        if not args.json:
            print("best route vs exhaustive search:", report["exhaustive"])
    if args.json:
        print(json.dumps(report, indent=2))


def headline(scale: str = "0.1", queries: int = 40) -> list[Headline]:
    """`xpay bench all`'s rows, on a world a tenth of the target's: ripple_path_find latency and
    the index update per closed ledger."""
    args = argparse.Namespace(
        seed=1, queries=queries, level=SearchLevels().normal, steps=SearchBudget().limit, ledgers=2,
        txs=200, profile=False, gc_freeze=True,
    )
    info = run_scale(Decimal(scale), args)
    query, update = info["query"], info.get("update") or {}
    return [
        Headline("pathfind", f"ripple_path_find p50, {info['accounts']:,} accounts", query["p50_ms"], "ms", "-"),
        Headline("pathfind", "  p99", query["p99_ms"], "ms", "-"),
        Headline("pathfind", f"index update / {args.txs}-tx ledger", update.get("update_mean_ms", 0.0), "ms", "-"),
    ]


def _print_world(info: dict[str, Any]) -> None:
    q = info["query"]
    print(
        f"world x{info['scale']}: {info['accounts']} accounts, {info['trust_lines']} lines, {info['books']} books, "
        f"{info['offers']} offers ({info['state_entries']} entries; generated in {info['generate_s']} s, "
        f"indexed and warmed in {info['index_build_and_warm_s']} s)"
    )
    print(
        f"  ripple_path_find x{q['queries']}: p50 {q['p50_ms']} ms, p90 {q['p90_ms']} ms, p99 {q['p99_ms']} ms, "
        f"max {q['max_ms']} ms (CPU p50 {q['cpu_p50_ms']}, p99 {q['cpu_p99_ms']} ms); found {q['found']}/{q['queries']}; "
        f"steps mean {q['mean_steps']}, max {q['max_steps']}, {q['budget_exhausted']} out of budget"
    )
    u = info.get("update")
    if u:
        print(
            f"  index update, {u['ledgers']} ledgers of {u['txs_per_ledger']} txs ({u['applied_mean']} applied, "
            f"{u['entries_changed_mean']} entries changed): mean {u['update_mean_ms']} ms, max {u['update_max_ms']} ms "
            f"(CPU mean {u['update_cpu_mean_ms']} ms); given the changed keys: mean {u['keyed_update_mean_ms']} ms, "
            f"max {u['keyed_update_max_ms']} ms (CPU mean {u['keyed_update_cpu_mean_ms']} ms) "
            f"(rebuild {u['rebuild_ms']} ms); matches a rebuild: {u['matches_rebuild']}"
        )


if __name__ == "__main__":
    main()
