"""Keys and signatures are xrpl-py's, for random seeds and messages (xrpl-py as the oracle)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from xrpl import CryptoAlgorithm
from xrpl.core import addresscodec, keypairs

from xpay.codec.address import decode_seed, encode_node_public, encode_seed
from xpay.crypto import KeyPair, verify

entropies = st.binary(min_size=16, max_size=16)
messages = st.binary(max_size=512)


@given(entropies)
def test_seed_text_is_xrpl_pys(entropy: bytes) -> None:
    seed = encode_seed(entropy)
    assert seed == addresscodec.encode_seed(entropy, CryptoAlgorithm.ED25519)
    assert decode_seed(seed) == entropy


@given(entropies)
def test_keys_and_address_are_xrpl_pys(entropy: bytes) -> None:
    seed = encode_seed(entropy)
    ours = KeyPair.from_seed(seed)
    public_hex, _private_hex = keypairs.derive_keypair(seed)
    assert ours.public_key.hex().upper() == public_hex
    assert ours.address == keypairs.derive_classic_address(public_hex)
    assert encode_node_public(ours.public_key) == addresscodec.encode_node_public_key(
        ours.public_key
    )


@given(entropies, messages)
def test_signatures_are_xrpl_pys_and_verify_both_ways(entropy: bytes, message: bytes) -> None:
    seed = encode_seed(entropy)
    ours = KeyPair.from_seed(seed)
    public_hex, private_hex = keypairs.derive_keypair(seed)
    signature = ours.sign(message)
    assert signature.hex().upper() == keypairs.sign(message, private_hex)
    assert verify(ours.public_key, message, signature)
    assert keypairs.is_valid_message(message, signature, public_hex)


@given(entropies, messages, st.integers(min_value=0, max_value=64 * 8 - 1))
def test_any_flipped_signature_bit_fails_verification(
    entropy: bytes, message: bytes, bit: int
) -> None:
    ours = KeyPair.from_entropy(entropy)
    signature = bytearray(ours.sign(message))
    signature[bit // 8] ^= 1 << (bit % 8)
    assert not verify(ours.public_key, message, bytes(signature))
