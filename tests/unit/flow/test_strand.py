"""Strands built from paths (rippled's PayStrand_test ideas): the implied steps, and the errors a
path can produce before any value moves."""

from __future__ import annotations

import pytest

from tests.unit.flow.builder import LedgerBuilder, account_id, xrp
from xpay.amounts import XRP_ISSUE, Issue
from xpay.flow.book_step import BookStep
from xpay.flow.direct_step import DirectStepI
from xpay.flow.steps import Book, OfferCrossing, Step
from xpay.flow.strand import to_strand, to_strands
from xpay.flow.xrp_endpoint_step import XRPEndpointStep
from xpay.protocol.ids import XRP_CURRENCY, AccountID
from xpay.protocol.ter import Tec, Tem, Ter, Tes


def _describe(step: Step) -> tuple[str, ...]:
    if isinstance(step, DirectStepI):
        return ("direct", step.src.hex()[:6], step.dst.hex()[:6])
    if isinstance(step, BookStep):
        return ("book", repr(step.book.in_), repr(step.book.out))
    assert isinstance(step, XRPEndpointStep)
    return ("xrp", step.acc.hex()[:6], "last" if step.is_last else "first")


def _d(a: AccountID, b: AccountID) -> tuple[str, ...]:
    return ("direct", a.hex()[:6], b.hex()[:6])


def _b(i: Issue, o: Issue) -> tuple[str, ...]:
    return ("book", repr(i), repr(o))


@pytest.fixture
def world() -> tuple[LedgerBuilder, dict[str, AccountID]]:
    b = LedgerBuilder()
    names = {n: b.account(n, xrp(10000)) for n in ("alice", "bob", "gw", "gw2")}
    for holder in ("alice", "bob"):
        b.trust(names[holder], b.iou("USD", names["gw"], 1000), balance="100")
        b.trust(names[holder], b.iou("EUR", names["gw2"], 1000), balance="100")
    return b, names


def _strand(b: LedgerBuilder, src: AccountID, dst: AccountID, deliver: Issue, send_max: Issue | None, path: list[dict[str, bytes]]):  # type: ignore[no-untyped-def]
    return to_strand(b.sb, src, dst, deliver, None, send_max, path, False, OfferCrossing.NO)


def test_default_path_for_an_iou_ripples_through_the_issuer(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strand = _strand(b, a["alice"], a["bob"], usd, None, [])
    assert ter == Tes.tesSUCCESS
    assert [_describe(s) for s in strand] == [_d(a["alice"], a["gw"]), _d(a["gw"], a["bob"])]


def test_default_path_from_xrp_goes_through_the_book(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strand = _strand(b, a["alice"], a["bob"], usd, XRP_ISSUE, [])
    assert ter == Tes.tesSUCCESS
    assert [_describe(s) for s in strand] == [
        ("xrp", a["alice"].hex()[:6], "first"),
        _b(XRP_ISSUE, usd),
        _d(a["gw"], a["bob"]),
    ]


def test_path_through_xrp_bridges_two_books(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd, eur = b.issue("USD", a["gw"]), b.issue("EUR", a["gw2"])
    ter, strand = _strand(b, a["alice"], a["bob"], eur, usd, [{"currency": XRP_CURRENCY}])
    assert ter == Tes.tesSUCCESS
    assert [_describe(s) for s in strand] == [
        _d(a["alice"], a["gw"]),
        _b(usd, XRP_ISSUE),
        _b(XRP_ISSUE, eur),
        _d(a["gw2"], a["bob"]),
    ]


def test_iou_to_xrp_ends_in_an_xrp_endpoint(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strand = _strand(b, a["alice"], a["bob"], XRP_ISSUE, usd, [])
    assert ter == Tes.tesSUCCESS
    assert [_describe(s) for s in strand] == [
        _d(a["alice"], a["gw"]),
        _b(usd, XRP_ISSUE),
        ("xrp", a["bob"].hex()[:6], "last"),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param([{}], Tem.temBAD_PATH, id="empty-element"),
        pytest.param([{"account": account_id("bob"), "currency": b"\x00" * 12 + b"USD" + b"\x00" * 5}], Tem.temBAD_PATH, id="account-with-currency"),
        pytest.param([{"currency": XRP_CURRENCY, "issuer": account_id("gw")}], Tem.temBAD_PATH, id="xrp-with-issuer"),
        pytest.param([{"account": b"\x00" * 19 + b"\x01"}], Tem.temBAD_PATH, id="account-one"),
        pytest.param([{"currency": XRP_CURRENCY}, {"currency": b"\x00" * 12 + b"EUR" + b"\x00" * 5, "issuer": account_id("gw2")}, {"currency": XRP_CURRENCY}], Tem.temBAD_PATH_LOOP, id="xrp-book-twice"),
    ],
)
def test_malformed_paths(world, path, expected) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strand = _strand(b, a["alice"], a["bob"], usd, usd, path)
    assert ter == expected
    assert strand == []


def test_book_whose_issuer_does_not_exist_is_tec_no_issuer(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ghost = account_id("nobody")
    ter, _ = _strand(b, a["alice"], a["bob"], usd, usd, [{"currency": b"\x00" * 12 + b"JPY" + b"\x00" * 5, "issuer": ghost}])
    assert ter == Tec.tecNO_ISSUER


def test_rippling_through_an_account_without_a_line_is_ter_no_line(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, _ = _strand(b, a["alice"], a["bob"], usd, usd, [{"account": a["gw2"]}])
    assert ter == Ter.terNO_LINE


def test_to_strands_needs_a_path_when_the_default_is_not_allowed(world) -> None:  # type: ignore[no-untyped-def]
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strands = to_strands(b.sb, a["alice"], a["bob"], usd, None, None, [], False, False, OfferCrossing.NO)
    assert ter == Tem.temRIPPLE_EMPTY and strands == []


def test_to_strands_drops_a_duplicate_of_the_default_path(world) -> None:  # type: ignore[no-untyped-def]
    """A given path that builds the same strand as the default path is used once."""
    b, a = world
    usd = b.issue("USD", a["gw"])
    ter, strands = to_strands(b.sb, a["alice"], a["bob"], usd, None, None, [[{"account": a["gw"]}]], True, False, OfferCrossing.NO)
    assert ter == Tes.tesSUCCESS
    assert len(strands) == 1


def test_offer_crossing_strand_converts_even_when_only_the_issuer_changes() -> None:
    """Offer crossing uses a book even when only the issuer differs (USD/gw to USD/gw2)."""
    b = LedgerBuilder()
    alice, gw, gw2 = (b.account(n, xrp(10000)) for n in ("alice", "gw", "gw2"))
    b.trust(alice, b.iou("USD", gw, 1000), balance="10")
    usd1, usd2 = b.issue("USD", gw), b.issue("USD", gw2)
    from xpay.amounts import Quality

    ter, strand = to_strand(b.sb, alice, alice, usd2, Quality(1 << 62), usd1, [], True, OfferCrossing.YES)
    assert ter == Tes.tesSUCCESS
    assert [type(s).__name__ for s in strand] == ["DirectStepI", "BookStep", "DirectStepI"]
    book = strand[1].book_step_book()
    assert book == Book(usd1, usd2)
