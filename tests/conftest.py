"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.mosquitto import Broker, private_broker

# Property tests: a fixed budget everywhere, more examples on request (HYPOTHESIS_PROFILE=thorough).
settings.register_profile("default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Broker]:
    """A private mosquitto broker on a free loopback port, stopped after the test."""
    with private_broker(tmp_path) as broker:
        yield broker
