"""A private mosquitto broker on a free port, one per test that asks for it.

Tests never use the machine's broker on 1883: a private one can be stopped and restarted by the
test (to check that nothing forks while the broker is away) without disturbing anybody else.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.ports import free_port

INSTALL_HINT = "mosquitto is not installed: apt-get install mosquitto"


def mosquitto_path() -> str:
    path = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT + " (CI=true: MQTT tests must not skip)")
        pytest.skip(INSTALL_HINT)
    return path


@dataclass
class Broker:
    """A running mosquitto process; `stop()` and `start()` simulate a broker outage."""

    port: int
    conf: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None, "broker already running"
        self.process = subprocess.Popen(
            [mosquitto_path(), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"mosquitto exited with {self.process.returncode}") from None
                time.sleep(0.02)
        raise RuntimeError("mosquitto did not start listening within 10 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@contextmanager
def private_broker(tmp_path: Path) -> Iterator[Broker]:
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 100000\n"
    )
    broker = Broker(port=port, conf=conf)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
