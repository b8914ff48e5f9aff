"""Consensus simulation: virtual clock, simulated network with faults, Byzantine peers, collectors."""
