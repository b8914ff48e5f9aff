"""Keys: XRPL Ed25519 derivation, signing, verification, node keys, RIPEMD-160 fallback."""

from __future__ import annotations

import hashlib

import pytest
from xrpl.core import keypairs

from xpay.codec.address import encode_seed
from xpay.codec.errors import CodecError
from xpay.crypto import KeyPair, NodeKey, account_id_from_public_key, verify
from xpay.crypto.ripemd160 import ripemd160, ripemd160_pure

SEED = encode_seed(bytes(range(16)))


def test_derivation_matches_xrpl_py() -> None:
    kp = KeyPair.from_seed(SEED)
    public_hex, _private = keypairs.derive_keypair(SEED)
    assert kp.public_key.hex().upper() == public_hex
    assert kp.public_key[0] == 0xED and len(kp.public_key) == 33
    assert kp.address == keypairs.derive_classic_address(public_hex)
    assert kp.seed == SEED
    assert kp.seed_entropy == bytes(range(16))


def test_account_id_is_ripemd160_of_sha256() -> None:
    kp = KeyPair.from_seed(SEED)
    expected = hashlib.new("ripemd160", hashlib.sha256(kp.public_key).digest()).digest()
    assert kp.account_id == expected == account_id_from_public_key(kp.public_key)


def test_signature_is_xrpl_pys_and_verifies() -> None:
    kp = KeyPair.from_seed(SEED)
    _public, private_hex = keypairs.derive_keypair(SEED)
    message = b"STX\x00payload"
    signature = kp.sign(message)
    assert signature.hex().upper() == keypairs.sign(message, private_hex)
    assert verify(kp.public_key, message, signature)


def test_verify_is_false_not_an_exception_for_anything_bad() -> None:
    kp = KeyPair.from_seed(SEED)
    other = KeyPair.generate()
    message = b"hello"
    signature = kp.sign(message)
    assert not verify(kp.public_key, b"hellp", signature)
    assert not verify(other.public_key, message, signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify(kp.public_key, message, flipped)
    assert not verify(kp.public_key, message, signature[:63])
    assert not verify(kp.public_key[1:], message, signature)
    assert not verify(b"\x02" + kp.public_key[1:], message, signature)  # a secp256k1 prefix
    assert not verify(b"\xed" + bytes(32), message, signature)  # small-order key
    assert not verify("ED00", message, signature)  # type: ignore[arg-type]
    assert not verify(kp.public_key, message, None)  # type: ignore[arg-type]


def test_non_canonical_signature_is_rejected() -> None:
    # S + L (the group order) is the same point arithmetic but a malleated encoding.
    kp = KeyPair.from_seed(SEED)
    signature = kp.sign(b"m")
    order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little") + order
    if s < 2**256:
        malleated = signature[:32] + s.to_bytes(32, "little")
        assert not verify(kp.public_key, b"m", malleated)


def test_repr_and_str_never_show_the_secret() -> None:
    kp = KeyPair.from_seed(SEED)
    for text in (repr(kp), str(kp), f"{kp}"):
        assert SEED not in text
        assert bytes(range(16)).hex() not in text.lower()
        assert kp.address in text
    node = NodeKey.from_seed(SEED)
    assert SEED not in repr(node) and node.node_public in repr(node)


def test_keypair_is_immutable_and_compares_by_public_key() -> None:
    kp = KeyPair.from_seed(SEED)
    with pytest.raises(AttributeError):
        kp.public_key = b""  # type: ignore[misc]
    assert kp == KeyPair.from_seed(SEED)
    assert kp != KeyPair.generate()
    assert len({kp, KeyPair.from_seed(SEED)}) == 1


def test_generate_gives_distinct_valid_keys() -> None:
    a, b = KeyPair.generate(), KeyPair.generate()
    assert a.public_key != b.public_key
    assert KeyPair.from_seed(a.seed) == a


def test_bad_seeds_raise_codec_error() -> None:
    with pytest.raises(CodecError):
        KeyPair.from_seed("sEdnotaseed")
    with pytest.raises(ValueError, match="16 bytes"):
        KeyPair.from_entropy(bytes(15))


def test_node_key_identity_and_signatures() -> None:
    node = NodeKey.from_seed(SEED)
    assert node.node_id == KeyPair.from_seed(SEED).public_key
    assert node.node_public.startswith("n")
    signature = node.sign(b"VAL\x00validation")
    assert verify(node.node_id, b"VAL\x00validation", signature)
    assert not verify(node.node_id, b"VAL\x00other", signature)
    assert NodeKey.generate().node_id != node.node_id
    assert NodeKey.from_entropy(bytes(range(16))).node_id == node.node_id
    assert node.seed == SEED


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
        (b"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
        (b"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
        (b"a" * 1000, "aa69deee9a8922e92f8105e007f76110f381e9cf"),
    ],
)
def test_pure_ripemd160_published_vectors(data: bytes, digest: str) -> None:
    assert ripemd160_pure(data).hex() == digest
    assert ripemd160(data).hex() == digest


def test_pure_ripemd160_agrees_with_hashlib_across_block_boundaries() -> None:
    try:
        hashlib.new("ripemd160")
    except ValueError:
        pytest.skip("hashlib has no ripemd160 here (OpenSSL 3 without the legacy provider)")
    for n in (0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300):
        data = bytes((i * 7 + n) & 0xFF for i in range(n))
        assert ripemd160_pure(data) == hashlib.new("ripemd160", data).digest(), n
