"""XRPL transaction result codes (rippled's TER), one IntEnum per class.

Generated from definitions.json by `python -m xpay.protocol.generate`: do not edit.
"""

from __future__ import annotations

from enum import IntEnum


class Tel(IntEnum):
    """Local error: the transaction was not applied and not relayed (-399..-300)."""

    telLOCAL_ERROR = -399
    telBAD_DOMAIN = -398
    telBAD_PATH_COUNT = -397
    telBAD_PUBLIC_KEY = -396
    telFAILED_PROCESSING = -395
    telINSUF_FEE_P = -394
    telNO_DST_PARTIAL = -393
    telCAN_NOT_QUEUE = -392
    telCAN_NOT_QUEUE_BALANCE = -391
    telCAN_NOT_QUEUE_BLOCKS = -390
    telCAN_NOT_QUEUE_BLOCKED = -389
    telCAN_NOT_QUEUE_FEE = -388
    telCAN_NOT_QUEUE_FULL = -387
    telWRONG_NETWORK = -386
    telREQUIRES_NETWORK_ID = -385
    telNETWORK_ID_MAKES_TX_NON_CANONICAL = -384
    telENV_RPC_FAILED = -383


class Tem(IntEnum):
    """Malformed: the transaction can never succeed as written (-299..-200)."""

    temMALFORMED = -299
    temBAD_AMOUNT = -298
    temBAD_CURRENCY = -297
    temBAD_EXPIRATION = -296
    temBAD_FEE = -295
    temBAD_ISSUER = -294
    temBAD_LIMIT = -293
    temBAD_OFFER = -292
    temBAD_PATH = -291
    temBAD_PATH_LOOP = -290
    temBAD_REGKEY = -289
    temBAD_SEND_XRP_LIMIT = -288
    temBAD_SEND_XRP_MAX = -287
    temBAD_SEND_XRP_NO_DIRECT = -286
    temBAD_SEND_XRP_PARTIAL = -285
    temBAD_SEND_XRP_PATHS = -284
    temBAD_SEQUENCE = -283
    temBAD_SIGNATURE = -282
    temBAD_SRC_ACCOUNT = -281
    temBAD_TRANSFER_RATE = -280
    temDST_IS_SRC = -279
    temDST_NEEDED = -278
    temINVALID = -277
    temINVALID_FLAG = -276
    temREDUNDANT = -275
    temRIPPLE_EMPTY = -274
    temDISABLED = -273
    temBAD_SIGNER = -272
    temBAD_QUORUM = -271
    temBAD_WEIGHT = -270
    temBAD_TICK_SIZE = -269
    temINVALID_ACCOUNT_ID = -268
    temCANNOT_PREAUTH_SELF = -267
    temINVALID_COUNT = -266
    temUNCERTAIN = -265
    temUNKNOWN = -264
    temSEQ_AND_TICKET = -263
    temBAD_NFTOKEN_TRANSFER_FEE = -262
    temBAD_AMM_TOKENS = -261
    temXCHAIN_EQUAL_DOOR_ACCOUNTS = -260
    temXCHAIN_BAD_PROOF = -259
    temXCHAIN_BRIDGE_BAD_ISSUES = -258
    temXCHAIN_BRIDGE_NONDOOR_OWNER = -257
    temXCHAIN_BRIDGE_BAD_MIN_ACCOUNT_CREATE_AMOUNT = -256
    temXCHAIN_BRIDGE_BAD_REWARD_AMOUNT = -255
    temEMPTY_DID = -254
    temARRAY_EMPTY = -253
    temARRAY_TOO_LARGE = -252
    temBAD_TRANSFER_FEE = -251
    temINVALID_INNER_BATCH = -250
    temBAD_MPT = -249
    temBAD_CIPHERTEXT = -248


class Tef(IntEnum):
    """Failure: not applied and not retried, e.g. a past sequence (-199..-100)."""

    tefFAILURE = -199
    tefALREADY = -198
    tefBAD_ADD_AUTH = -197
    tefBAD_AUTH = -196
    tefBAD_LEDGER = -195
    tefCREATED = -194
    tefEXCEPTION = -193
    tefINTERNAL = -192
    tefNO_AUTH_REQUIRED = -191
    tefPAST_SEQ = -190
    tefWRONG_PRIOR = -189
    tefMASTER_DISABLED = -188
    tefMAX_LEDGER = -187
    tefBAD_SIGNATURE = -186
    tefBAD_QUORUM = -185
    tefNOT_MULTI_SIGNING = -184
    tefBAD_AUTH_MASTER = -183
    tefINVARIANT_FAILED = -182
    tefTOO_BIG = -181
    tefNO_TICKET = -180
    tefNFTOKEN_IS_NOT_TRANSFERABLE = -179
    tefINVALID_LEDGER_FIX_TYPE = -178
    tefNO_DST_PARTIAL = -177
    tefBAD_PATH_COUNT = -176


class Ter(IntEnum):
    """Retry: may succeed later, e.g. after a missing account is funded (-99..-1)."""

    terRETRY = -99
    terFUNDS_SPENT = -98
    terINSUF_FEE_B = -97
    terNO_ACCOUNT = -96
    terNO_AUTH = -95
    terNO_LINE = -94
    terOWNERS = -93
    terPRE_SEQ = -92
    terLAST = -91
    terNO_RIPPLE = -90
    terQUEUED = -89
    terPRE_TICKET = -88
    terNO_AMM = -87
    terADDRESS_COLLISION = -86
    terNO_DELEGATE_PERMISSION = -85
    terLOCKED = -84
    terNO_PERMISSION = -83


class Tes(IntEnum):
    """Success (0)."""

    tesSUCCESS = 0


class Tec(IntEnum):
    """Claimed: applied only to charge the fee and use the sequence (100..255)."""

    tecCLAIM = 100
    tecPATH_PARTIAL = 101
    tecUNFUNDED_ADD = 102
    tecUNFUNDED_OFFER = 103
    tecUNFUNDED_PAYMENT = 104
    tecFAILED_PROCESSING = 105
    tecDIR_FULL = 121
    tecINSUF_RESERVE_LINE = 122
    tecINSUF_RESERVE_OFFER = 123
    tecNO_DST = 124
    tecNO_DST_INSUF_XRP = 125
    tecNO_LINE_INSUF_RESERVE = 126
    tecNO_LINE_REDUNDANT = 127
    tecPATH_DRY = 128
    tecUNFUNDED = 129
    tecNO_ALTERNATIVE_KEY = 130
    tecNO_REGULAR_KEY = 131
    tecOWNERS = 132
    tecNO_ISSUER = 133
    tecNO_AUTH = 134
    tecNO_LINE = 135
    tecINSUFF_FEE = 136
    tecFROZEN = 137
    tecNO_TARGET = 138
    tecNO_PERMISSION = 139
    tecNO_ENTRY = 140
    tecINSUFFICIENT_RESERVE = 141
    tecNEED_MASTER_KEY = 142
    tecDST_TAG_NEEDED = 143
    tecINTERNAL = 144
    tecOVERSIZE = 145
    tecCRYPTOCONDITION_ERROR = 146
    tecINVARIANT_FAILED = 147
    tecEXPIRED = 148
    tecDUPLICATE = 149
    tecKILLED = 150
    tecHAS_OBLIGATIONS = 151
    tecTOO_SOON = 152
    tecMAX_SEQUENCE_REACHED = 154
    tecNO_SUITABLE_NFTOKEN_PAGE = 155
    tecNFTOKEN_BUY_SELL_MISMATCH = 156
    tecNFTOKEN_OFFER_TYPE_MISMATCH = 157
    tecCANT_ACCEPT_OWN_NFTOKEN_OFFER = 158
    tecINSUFFICIENT_FUNDS = 159
    tecOBJECT_NOT_FOUND = 160
    tecINSUFFICIENT_PAYMENT = 161
    tecUNFUNDED_AMM = 162
    tecAMM_BALANCE = 163
    tecAMM_FAILED = 164
    tecAMM_INVALID_TOKENS = 165
    tecAMM_EMPTY = 166
    tecAMM_NOT_EMPTY = 167
    tecAMM_ACCOUNT = 168
    tecINCOMPLETE = 169
    tecXCHAIN_BAD_TRANSFER_ISSUE = 170
    tecXCHAIN_NO_CLAIM_ID = 171
    tecXCHAIN_BAD_CLAIM_ID = 172
    tecXCHAIN_CLAIM_NO_QUORUM = 173
    tecXCHAIN_PROOF_UNKNOWN_KEY = 174
    tecXCHAIN_CREATE_ACCOUNT_NONXRP_ISSUE = 175
    tecXCHAIN_WRONG_CHAIN = 176
    tecXCHAIN_REWARD_MISMATCH = 177
    tecXCHAIN_NO_SIGNERS_LIST = 178
    tecXCHAIN_SENDING_ACCOUNT_MISMATCH = 179
    tecXCHAIN_INSUFF_CREATE_AMOUNT = 180
    tecXCHAIN_ACCOUNT_CREATE_PAST = 181
    tecXCHAIN_ACCOUNT_CREATE_TOO_MANY = 182
    tecXCHAIN_PAYMENT_FAILED = 183
    tecXCHAIN_SELF_COMMIT = 184
    tecXCHAIN_BAD_PUBLIC_KEY_ACCOUNT_PAIR = 185
    tecXCHAIN_CREATE_ACCOUNT_DISABLED = 186
    tecEMPTY_DID = 187
    tecINVALID_UPDATE_TIME = 188
    tecTOKEN_PAIR_NOT_FOUND = 189
    tecARRAY_EMPTY = 190
    tecARRAY_TOO_LARGE = 191
    tecLOCKED = 192
    tecBAD_CREDENTIALS = 193
    tecWRONG_ASSET = 194
    tecLIMIT_EXCEEDED = 195
    tecPSEUDO_ACCOUNT = 196
    tecPRECISION_LOSS = 197
    tecBAD_PROOF = 199
    tecNO_SPONSOR_PERMISSION = 200
