"""The XRPL binary codec (bytes <-> dict) and the address codec, driven by the protocol tables."""
