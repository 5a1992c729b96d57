"""``omnikop webhooks serve``: shops from omnikop.yaml, secrets from AIRFLOW_CONN_*, lands, stops on Ctrl-C."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import select

from connectors.base.connection import connection_json
from connectors.base.landing import RawPage
from connectors.base.sandbox.server import _free_port
from foundation.db import make_engine, transaction

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
SECRET = "cli-notification-secret"


def test_serve_lands_a_signed_event_and_stops_cleanly(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "omnikop.yaml"
    config.write_text("shops:\n  - {platform: gojek, shop_ref: G000000001, conn_id: gobiz_outlet_1}\n")
    connection = connection_json(
        "gojek", host="http://x", login="c", password="p", extra={"notification_secret": SECRET}
    )
    env = {**os.environ, "OMNIKOP_CONFIG": str(config), "OMNIKOP_DATABASE_URL": db_url}
    env["AIRFLOW_CONN_GOBIZ_OUTLET_1"] = connection
    port = _free_port("127.0.0.1")
    process = subprocess.Popen(
        [OMNIKOP, "webhooks", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/webhooks/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "receiver did not start"
                time.sleep(0.1)
        header = b'{"event_name":"gofood.order.completed","event_id":"cli-1"}'
        body = b'{"header":' + header + b',"body":{"outlet":{"id":"G000000001"}}}'
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        url = f"http://127.0.0.1:{port}/webhooks/gojek"
        assert requests.post(url, data=body, headers={"X-Go-Signature": "0" * 64}, timeout=5).status_code == 401
        assert requests.post(url, data=body, headers={"X-Go-Signature": signature}, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "POST /webhooks/gojek  (1 configured shop(s))" in output and "webhook receiver stopped." in output
    assert SECRET not in output and signature not in output and "Traceback" not in output
    with transaction(make_engine(db_url)) as session:
        assert [(p.shop_ref, p.kind) for p in session.scalars(select(RawPage))] == [
            ("G000000001", "gofood_order_event")
        ]
