"""The pathfinding index kept up to date ledger by ledger answers exactly as one rebuilt from
scratch (fast incremental structure against the slow reference, as STYLE.md asks).

Random small worlds are built as ledger state (bench.worlds.WorldBuilder), then changed over a
few ledgers — trust lines created, changed (balance, limit, freeze, NoRipple) and deleted,
offers placed and removed (books appearing and disappearing), account flags set and cleared —
while the index is queried between ledgers, so its caches are warm when the changes come. After
each ledger every question the search asks is put to both indexes.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bench.worlds import WorldBuilder, iou, xrp
from pathfinding.index import PathIndex
from pathfinding.trust_line import LineDirection
from xpay.amounts import XRP_ISSUE, Issue, currency_from_code
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import Offer
from xpay.ledger.ledger import Ledger
from xpay.protocol.flags import lsfDefaultRipple, lsfGlobalFreeze, lsfRequireAuth
from xpay.protocol.ids import AccountID

CODES = ("USD", "EUR")
FLAGS = (lsfGlobalFreeze, lsfRequireAuth, lsfDefaultRipple)


def _all_questions(index: PathIndex, accounts: list[AccountID]) -> dict[str, object]:
    """Everything the search can ask, for every account and issue."""
    answers: dict[str, object] = {}
    issues = [XRP_ISSUE, *(Issue(currency_from_code(c), a) for c in CODES for a in accounts)]
    for account in accounts:
        for direction in LineDirection:
            answers[f"lines {account.hex()} {direction}"] = index.lines(account, direction)
            for code in CODES:
                answers[f"out {account.hex()} {code} {direction}"] = index.paths_out(currency_from_code(code), account, direction)
        for xrp_too in (True, False):
            answers[f"src {account.hex()} {xrp_too}"] = index.source_currencies(account, include_xrp=xrp_too)
            answers[f"dst {account.hex()} {xrp_too}"] = index.dest_currencies(account, include_xrp=xrp_too)
        answers[f"flags {account.hex()}"] = index.account_flags(account)
        for peer in accounts:
            for code in CODES:
                answers[f"line {account.hex()} {peer.hex()} {code}"] = index.line(account, peer, currency_from_code(code))
    for issue in issues:
        answers[f"books {issue!r}"] = (
            index.books.books_by_taker_pays(issue.currency, issue.account),
            index.books.book_count(issue.currency, issue.account),
            index.books.is_book_to_xrp(issue.currency, issue.account),
        )
    return answers


def _offers(ledger: Ledger, accounts: list[AccountID]) -> list[Offer]:
    found = []
    for account in accounts:
        for _page, key in dir_entries(ledger, keylet.owner_dir(account)):
            entry = ledger.read_key(key)
            if type(entry) is Offer:
                found.append(entry)
    return found


@given(data=st.data())
def test_updated_index_answers_as_a_rebuilt_one(data: st.DataObject) -> None:
    n = data.draw(st.integers(3, 6), label="accounts")
    b = WorldBuilder()
    accounts = [b.account(f"acct{i}", 1000, default_ripple=data.draw(st.booleans())) for i in range(n)]

    def new_line(builder: WorldBuilder) -> None:
        holder, issuer = data.draw(st.permutations(accounts))[:2]
        code = data.draw(st.sampled_from(CODES))
        if builder.sb.read(keylet.line(holder, issuer, currency_from_code(code))) is None:
            builder.trust(
                holder,
                issuer,
                code,
                str(data.draw(st.integers(0, 100))),
                str(data.draw(st.integers(-20, 20))),
                frozen=data.draw(st.booleans()),
                authorized=data.draw(st.booleans()),
            )

    def new_offer(builder: WorldBuilder) -> None:
        owner = data.draw(st.sampled_from(accounts))
        sides = [xrp(data.draw(st.integers(1, 50)))] + [
            iou(data.draw(st.sampled_from(CODES)), data.draw(st.sampled_from(accounts)), data.draw(st.integers(1, 50)))
            for _ in range(2)
        ]
        pays, gets = data.draw(st.permutations(sides))[:2]
        if pays.issue != gets.issue:
            builder.offer(owner, pays, gets)

    for _ in range(data.draw(st.integers(0, 8), label="lines")):
        new_line(b)
    for _ in range(data.draw(st.integers(0, 5), label="offers")):
        new_offer(b)
    ledger = b.close()
    index = PathIndex(ledger)
    _all_questions(index, accounts)  # warm every cache before the changes come

    for _round in range(data.draw(st.integers(1, 3), label="ledgers")):
        b = WorldBuilder(base=ledger)
        for _ in range(data.draw(st.integers(1, 6), label="changes")):
            op = data.draw(st.sampled_from(["line", "change", "delete", "offer", "unoffer", "flag"]))
            lines = [line for a in accounts for line in index.lines(a) if a == line.account and a < line.peer]
            if op == "line":
                new_line(b)
            elif op == "offer":
                new_offer(b)
            elif op in ("change", "delete") and lines:
                line = data.draw(st.sampled_from(lines))
                code = data.draw(st.just(line.currency))
                holder, issuer = (line.account, line.peer) if data.draw(st.booleans()) else (line.peer, line.account)
                text = code[12:15].decode()
                if b.sb.read(keylet.line(holder, issuer, code)) is None:
                    continue
                if op == "delete":
                    b.delete_line(holder, issuer, text)
                else:
                    b.set_line(
                        holder,
                        issuer,
                        text,
                        balance=str(data.draw(st.integers(-30, 30))),
                        limit=str(data.draw(st.integers(0, 60))),
                        frozen=data.draw(st.booleans()),
                        holder_no_ripple=data.draw(st.booleans()),
                    )
            elif op == "unoffer":
                offers = [o for o in _offers(ledger, accounts) if b.sb.read(keylet.offer(o.account, o.sequence)) is not None]
                if offers:
                    b.delete_offer(data.draw(st.sampled_from(offers)))
            elif op == "flag":
                account = data.draw(st.sampled_from(accounts))
                root = b.sb.read(keylet.account(account))
                assert root is not None
                b.sb.update(root._replace(flags=root.flags ^ data.draw(st.sampled_from(FLAGS))))
        ledger = b.close()
        use_keys = data.draw(st.booleans(), label="update from changed keys")
        if use_keys:
            keys = [k for k, _ in ledger.state.items()] + [k for k, _ in index.ledger.state.items()]
            index.update(ledger, keys)
        else:
            index.update(ledger)
        rebuilt = PathIndex(ledger)
        assert index.snapshot() == rebuilt.snapshot()
        assert _all_questions(index, accounts) == _all_questions(rebuilt, accounts)


def test_update_to_the_same_ledger_changes_nothing() -> None:
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    alice = b.account("alice")
    b.trust(alice, gw, "USD", "100", "10")
    ledger = b.close()
    index = PathIndex(ledger)
    done = index.update(ledger)
    assert (done.entries_changed, done.lines_changed, done.book_directories_changed) == (0, 0, 0)
    assert index.ledger is ledger


def test_update_back_to_an_earlier_ledger_follows_the_switch() -> None:
    """A chain switch: the index moves to a ledger that is not the next one, and still matches."""
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    alice = b.account("alice")
    b.trust(alice, gw, "USD", "100", "10")
    first = b.close()
    b = WorldBuilder(base=first)
    bob = b.account("bob")
    b.trust(bob, gw, "USD", "50", "5")
    b.offer(bob, xrp(10), iou("USD", gw, 5))
    second = b.close()
    index = PathIndex(second)
    assert len(index.lines(gw)) == 2 and index.books.book_count(XRP_ISSUE.currency, XRP_ISSUE.account) == 1
    done = index.update(first)
    assert done.lines_changed == 1 and done.book_directories_changed == 1
    assert index.snapshot() == PathIndex(first).snapshot()
    assert [line.peer for line in index.lines(gw)] == [alice]
