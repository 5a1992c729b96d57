"""``omnikop sandbox serve --platform shopee``: a clear banner, real answers, a clean stop on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from connectors.base.sandbox.server import _free_port

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


def test_serve_prints_a_banner_answers_and_stops_cleanly_on_ctrl_c():
    port = _free_port("127.0.0.1")
    process = subprocess.Popen(
        [OMNIKOP, "sandbox", "serve", "--platform", "shopee", "--port", str(port), "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = [process.stdout.readline() for _ in range(4)]  # type: ignore[union-attr]
        assert banner[0].startswith(f"shopee sandbox on http://127.0.0.1:{port} (seed 3)")
        assert (
            "login=1000001" in banner[1] and "password=shpk" in banner[1] and "refresh_token=sbx-refresh-" in banner[1]
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/v2/shop/get_shop_info", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "sandbox did not start listening"
                time.sleep(0.1)
        assert answer.json()["error"] == "error_param"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "shopee sandbox stopped." in output and "Traceback" not in output
