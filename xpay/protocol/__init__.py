"""The XRPL vocabulary as data: field table, transaction and entry types, result codes, flags."""
