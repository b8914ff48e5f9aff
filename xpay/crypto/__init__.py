"""Family seeds, Ed25519 keys (PyNaCl), signing and verification, node keys."""
