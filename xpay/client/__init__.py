"""Async SDK for banks and market makers."""
