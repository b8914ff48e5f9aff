"""Transaction results (rippled's TER): the code classes, lookups, and the human messages.

A result code's class is told by its number, as in rippled's TER.h: `tel` -399..-300 (local, not
relayed), `tem` -299..-200 (malformed), `tef` -199..-100 (failed, not retried), `ter` -99..-1
(retry), `tes` 0 (success), `tec` 100..255 (claimed: only the fee and sequence are consumed). The
enums themselves live in the generated `ter_codes` module; this module adds what rippled's TER.cpp
provides: token <-> code lookups and `transHuman`, which the API returns as
`engine_result_message`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeAlias

from xpay.protocol.ter_codes import Tec, Tef, Tel, Tem, Ter, Tes

__all__ = [
    "TER",
    "TER_CLASSES",
    "NotTEC",
    "Tec",
    "Tef",
    "Tel",
    "Tem",
    "Ter",
    "Tes",
    "engine_result_message",
    "is_tec_claim",
    "is_tef_failure",
    "is_tel_local",
    "is_tem_malformed",
    "is_ter_retry",
    "is_tes_success",
    "ter_class",
    "ter_from_code",
    "ter_from_name",
]

TER: TypeAlias = Tel | Tem | Tef | Ter | Tes | Tec
"""Any transaction result."""

NotTEC: TypeAlias = Tel | Tem | Tef | Ter | Tes
"""What preflight and preclaim may return before a fee is claimed (rippled's `NotTEC`)."""

TER_CLASSES: Final = (Tel, Tem, Tef, Ter, Tes, Tec)

_BY_NAME: Final[Mapping[str, TER]] = {member.name: member for cls in TER_CLASSES for member in cls}
_BY_CODE: Final[Mapping[int, TER]] = {int(member): member for cls in TER_CLASSES for member in cls}


def ter_from_name(name: str) -> TER:
    """The result with XRPL token `name` (`"tecPATH_DRY"` -> `Tec.tecPATH_DRY`); rippled's
    `transCode`. Raises ValueError for an unknown token."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown transaction result {name!r}") from None


def ter_from_code(code: int) -> TER:
    """The result with number `code` (`128` -> `Tec.tecPATH_DRY`). Raises ValueError when the
    number names no result."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown transaction result code {code}") from None


def ter_class(code: int) -> type[Tel] | type[Tem] | type[Tef] | type[Ter] | type[Tes] | type[Tec]:
    """The class a result number falls in, by range as rippled's TER.h lays them out."""
    if -399 <= code <= -300:
        return Tel
    if -299 <= code <= -200:
        return Tem
    if -199 <= code <= -100:
        return Tef
    if -99 <= code <= -1:
        return Ter
    if code == 0:
        return Tes
    if 100 <= code <= 255:
        return Tec
    raise ValueError(f"{code} is in no transaction result class")


def is_tes_success(code: int) -> bool:
    """rippled's `isTesSuccess`."""
    return code == 0


def is_tec_claim(code: int) -> bool:
    """rippled's `isTecClaim`: the fee is charged, nothing else happens."""
    return code >= 100


def is_tel_local(code: int) -> bool:
    """rippled's `isTelLocal`."""
    return -399 <= code <= -300


def is_tem_malformed(code: int) -> bool:
    """rippled's `isTemMalformed`."""
    return -299 <= code <= -200


def is_tef_failure(code: int) -> bool:
    """rippled's `isTefFailure`."""
    return -199 <= code <= -100


def is_ter_retry(code: int) -> bool:
    """rippled's `isTerRetry`."""
    return -99 <= code <= -1


# rippled's human descriptions (TER.cpp, transResults) for the results an xpay node can produce:
# payments, trust lines, offers, account settings, fees, sequences and signatures. Clients match
# on these strings, so they are rippled's exactly.
_MESSAGES: Final[Mapping[TER, str]] = {
    Tes.tesSUCCESS: "The transaction was applied. Only final in a validated ledger.",
    # tec
    Tec.tecCLAIM: "Fee claimed. Sequence used. No action.",
    Tec.tecDIR_FULL: "Can not add entry to full directory.",
    Tec.tecFAILED_PROCESSING: "Failed to correctly process transaction.",
    Tec.tecINSUF_RESERVE_LINE: "Insufficient reserve to add trust line.",
    Tec.tecINSUF_RESERVE_OFFER: "Insufficient reserve to create offer.",
    Tec.tecNO_DST: "Destination does not exist. Send XRP to create it.",
    Tec.tecNO_DST_INSUF_XRP: "Destination does not exist. Too little XRP sent to create it.",
    Tec.tecNO_LINE_INSUF_RESERVE: "No such line. Too little reserve to create it.",
    Tec.tecNO_LINE_REDUNDANT: "Can't set non-existent line to default.",
    Tec.tecPATH_DRY: "Path could not send partial amount.",
    Tec.tecPATH_PARTIAL: "Path could not send full amount.",
    Tec.tecNO_ALTERNATIVE_KEY: (
        "The operation would remove the ability to sign transactions with the account."
    ),
    Tec.tecNO_REGULAR_KEY: "Regular key is not set.",
    Tec.tecOVERSIZE: "Object exceeded serialization limits.",
    Tec.tecUNFUNDED: "Not enough XRP to satisfy the reserve requirement.",
    Tec.tecUNFUNDED_ADD: "DEPRECATED.",
    Tec.tecUNFUNDED_OFFER: "Insufficient balance to fund created offer.",
    Tec.tecUNFUNDED_PAYMENT: "Insufficient XRP balance to send.",
    Tec.tecOWNERS: "Non-zero owner count.",
    Tec.tecNO_ISSUER: "Issuer account does not exist.",
    Tec.tecNO_AUTH: "Not authorized to hold asset.",
    Tec.tecNO_LINE: "No such line.",
    Tec.tecINSUFF_FEE: "Insufficient balance to pay fee.",
    Tec.tecFROZEN: "Asset is frozen.",
    Tec.tecNO_TARGET: "Target account does not exist.",
    Tec.tecNO_PERMISSION: "No permission to perform requested operation.",
    Tec.tecNO_ENTRY: "No matching entry found.",
    Tec.tecINSUFFICIENT_RESERVE: "Insufficient reserve to complete requested operation.",
    Tec.tecNEED_MASTER_KEY: "The operation requires the use of the Master Key.",
    Tec.tecDST_TAG_NEEDED: "A destination tag is required.",
    Tec.tecINTERNAL: "An internal error has occurred during processing.",
    Tec.tecINVARIANT_FAILED: "One or more invariants for the transaction were not satisfied.",
    Tec.tecEXPIRED: "Expiration time is passed.",
    Tec.tecDUPLICATE: "Ledger object already exists.",
    Tec.tecKILLED: "No funds transferred and no offer created.",
    Tec.tecHAS_OBLIGATIONS: "The account cannot be deleted since it has obligations.",
    Tec.tecTOO_SOON: "It is too early to attempt the requested operation. Please wait.",
    Tec.tecMAX_SEQUENCE_REACHED: "The maximum sequence number was reached.",
    Tec.tecINSUFFICIENT_FUNDS: "Not enough funds available to complete requested transaction.",
    Tec.tecOBJECT_NOT_FOUND: "A requested object could not be located.",
    Tec.tecINSUFFICIENT_PAYMENT: "The payment is not sufficient.",
    Tec.tecINCOMPLETE: "Some work was completed, but more submissions required to finish.",
    Tec.tecLOCKED: "Fund is locked.",
    Tec.tecPRECISION_LOSS: "The amounts used by the transaction cannot interact.",
    # tef
    Tef.tefALREADY: "The exact transaction was already in this ledger.",
    Tef.tefBAD_ADD_AUTH: "Not authorized to add account.",
    Tef.tefBAD_AUTH: "Transaction's public key is not authorized.",
    Tef.tefBAD_LEDGER: "Ledger in unexpected state.",
    Tef.tefBAD_QUORUM: "Signatures provided do not meet the quorum.",
    Tef.tefBAD_SIGNATURE: "A signature is provided for a non-signer.",
    Tef.tefCREATED: "Can't add an already created account.",
    Tef.tefEXCEPTION: "Unexpected program state.",
    Tef.tefFAILURE: "Failed to apply.",
    Tef.tefINTERNAL: "Internal error.",
    Tef.tefMASTER_DISABLED: "Master key is disabled.",
    Tef.tefMAX_LEDGER: "Ledger sequence too high.",
    Tef.tefNO_AUTH_REQUIRED: "Auth is not required.",
    Tef.tefNOT_MULTI_SIGNING: "Account has no appropriate list of multi-signers.",
    Tef.tefPAST_SEQ: "This sequence number has already passed.",
    Tef.tefWRONG_PRIOR: "This previous transaction does not match.",
    Tef.tefBAD_AUTH_MASTER: "Auth for unclaimed account needs correct master key.",
    Tef.tefINVARIANT_FAILED: "Fee claim violated invariants for the transaction.",
    Tef.tefTOO_BIG: "Transaction affects too many items.",
    Tef.tefNO_TICKET: "Ticket is not in ledger.",
    # tel
    Tel.telLOCAL_ERROR: "Local failure.",
    Tel.telBAD_DOMAIN: "Domain too long.",
    Tel.telBAD_PATH_COUNT: "Malformed: Too many paths.",
    Tel.telBAD_PUBLIC_KEY: "Public key is not valid.",
    Tel.telFAILED_PROCESSING: "Failed to correctly process transaction.",
    Tel.telINSUF_FEE_P: "Fee insufficient.",
    Tel.telNO_DST_PARTIAL: "Partial payment to create account not allowed.",
    Tel.telCAN_NOT_QUEUE: "Can not queue at this time.",
    Tel.telCAN_NOT_QUEUE_FULL: "Can not queue at this time: queue is full.",
    Tel.telWRONG_NETWORK: (
        "Transaction specifies a Network ID that differs from that of the local node."
    ),
    Tel.telREQUIRES_NETWORK_ID: (
        "Transactions submitted to this node/network must include a correct NetworkID field."
    ),
    Tel.telNETWORK_ID_MAKES_TX_NON_CANONICAL: (
        "Transactions submitted to this node/network must NOT include a NetworkID field."
    ),
    # tem
    Tem.temMALFORMED: "Malformed transaction.",
    Tem.temBAD_AMOUNT: "Malformed: Bad amount.",
    Tem.temBAD_CURRENCY: "Malformed: Bad currency.",
    Tem.temBAD_EXPIRATION: "Malformed: Bad expiration.",
    Tem.temBAD_FEE: "Invalid fee, negative or not XRP.",
    Tem.temBAD_ISSUER: "Malformed: Bad issuer.",
    Tem.temBAD_LIMIT: "Limits must be non-negative.",
    Tem.temBAD_OFFER: "Malformed: Bad offer.",
    Tem.temBAD_PATH: "Malformed: Bad path.",
    Tem.temBAD_PATH_LOOP: "Malformed: Loop in path.",
    Tem.temBAD_QUORUM: "Malformed: Quorum is unreachable.",
    Tem.temBAD_REGKEY: "Malformed: Regular key cannot be same as master key.",
    Tem.temBAD_SEND_XRP_LIMIT: "Malformed: Limit quality is not allowed for XRP to XRP.",
    Tem.temBAD_SEND_XRP_MAX: "Malformed: Send max is not allowed for XRP to XRP.",
    Tem.temBAD_SEND_XRP_NO_DIRECT: "Malformed: No Ripple direct is not allowed for XRP to XRP.",
    Tem.temBAD_SEND_XRP_PARTIAL: "Malformed: Partial payment is not allowed for XRP to XRP.",
    Tem.temBAD_SEND_XRP_PATHS: "Malformed: Paths are not allowed for XRP to XRP.",
    Tem.temBAD_SEQUENCE: "Malformed: Sequence is not in the past.",
    Tem.temBAD_SIGNATURE: "Malformed: Bad signature.",
    Tem.temBAD_SIGNER: "Malformed: No signer may duplicate account or other signers.",
    Tem.temBAD_SRC_ACCOUNT: "Malformed: Bad source account.",
    Tem.temBAD_TRANSFER_RATE: "Malformed: Transfer rate must be >= 1.0 and <= 2.0",
    Tem.temBAD_WEIGHT: "Malformed: Weight must be a positive value.",
    Tem.temDST_IS_SRC: "Destination may not be source.",
    Tem.temDST_NEEDED: "Destination not specified.",
    Tem.temINVALID: "The transaction is ill-formed.",
    Tem.temINVALID_FLAG: "The transaction has an invalid flag.",
    Tem.temREDUNDANT: "The transaction is redundant.",
    Tem.temRIPPLE_EMPTY: "PathSet with no paths.",
    Tem.temUNCERTAIN: "In process of determining result. Never returned.",
    Tem.temUNKNOWN: "The transaction requires logic that is not implemented yet.",
    Tem.temDISABLED: "The transaction requires logic that is currently disabled.",
    Tem.temBAD_TICK_SIZE: "Malformed: Tick size out of range.",
    Tem.temINVALID_ACCOUNT_ID: "Malformed: A field contains an invalid account ID.",
    Tem.temCANNOT_PREAUTH_SELF: "Malformed: An account may not preauthorize itself.",
    Tem.temINVALID_COUNT: "Malformed: Count field outside valid range.",
    Tem.temSEQ_AND_TICKET: "Transaction contains a TicketSequence and a non-zero Sequence.",
    Tem.temARRAY_EMPTY: "Malformed: Array is empty.",
    Tem.temARRAY_TOO_LARGE: "Malformed: Array is too large.",
    # ter
    Ter.terRETRY: "Retry transaction.",
    Ter.terFUNDS_SPENT: "DEPRECATED.",
    Ter.terINSUF_FEE_B: "Account balance can't pay fee.",
    Ter.terLAST: "DEPRECATED.",
    Ter.terNO_RIPPLE: "Path does not permit rippling.",
    Ter.terNO_ACCOUNT: "The source account does not exist.",
    Ter.terNO_AUTH: "Not authorized to hold IOUs.",
    Ter.terNO_LINE: "No such line.",
    Ter.terPRE_SEQ: "Missing/inapplicable prior transaction.",
    Ter.terOWNERS: "Non-zero owner count.",
    Ter.terQUEUED: "Held until escalated fee drops.",
    Ter.terPRE_TICKET: "Ticket is not yet in ledger.",
}


def engine_result_message(code: int) -> str:
    """The human description of a result (rippled's `transHuman`, the API's
    `engine_result_message`). Results outside xpay's vocabulary get their class's meaning."""
    ter = _BY_CODE.get(code)
    if ter is None:
        return "-"  # rippled's transHuman for a code it does not know
    message = _MESSAGES.get(ter)
    if message is not None:
        return message
    return _CLASS_FALLBACK[type(ter)]


_CLASS_FALLBACK: Final[Mapping[type, str]] = {
    Tel: "Local failure.",
    Tem: "Malformed transaction.",
    Tef: "Failed to apply.",
    Ter: "Retry transaction.",
    Tes: "The transaction was applied. Only final in a validated ledger.",
    Tec: "Fee claimed. Sequence used. No action.",
}
