"""Shared test helpers: the Env, a private mosquitto, free ports, real node processes."""
