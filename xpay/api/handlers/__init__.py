"""The API's methods, one module per group, each ending in its METHODS table."""
