"""GoBiz and Grab end to end: webhook events through the real receiver, settlement report files through
``omnikop import settlements``, then ``omnikop sync``. Every member's money equals the world's truth."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.sandbox.server import _free_port
from connectors.base.sandbox.world import WorldConfig
from connectors.base.testing.truth import world_summary
from connectors.gojek.testing import GojekPushHarness
from connectors.grab.testing import GrabPushHarness
from foundation.db import make_engine, transaction
from ledger.check import check_ledger
from tests.sync.conftest import OMNIKOP, PlatformSetup, import_mappings, platform_setup
from tests.sync.expected import latest_documents, member_totals_from_documents
from tests.sync.ledger_view import ledger_member_totals, settlement_documents

HARNESSES = {"gojek": GojekPushHarness(), "grab": GrabPushHarness()}


def serve_receiver(setup: PlatformSetup) -> tuple[subprocess.Popen[str], str]:
    port = _free_port("127.0.0.1")
    process = subprocess.Popen(
        [OMNIKOP, "webhooks", "serve", "--port", str(port)],
        env=setup.env,
        cwd=setup.workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/webhooks/health", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the receiver did not start"
        time.sleep(0.2)


@pytest.mark.slow(seconds=32)
@pytest.mark.parametrize("platform", ["gojek", "grab"])
def test_pushes_and_settlement_files_reach_each_member_exactly(platform: str, db_url: str, tmp_path: Path):
    harness = HARNESSES[platform]
    with platform_setup(
        platform, db_url, tmp_path, WorldConfig(days=4, orders_per_day=4, platforms=(platform,))
    ) as setup:
        import_mappings(setup)
        receiver, url = serve_receiver(setup)
        try:
            emitter = harness.emitter(setup.sandbox)
            for shop in setup.shops:
                results = emitter.deliver(url, shop, EmitOptions(duplicates=True, reorder=True, seed=3))
                assert results and all(200 <= r.status < 300 for r in results)
                report = setup.write(
                    f"{shop}.csv", harness.settlement_report(setup.sandbox, shop, "settlement_report_csv").decode()
                )
                imported = setup.cli("import", "settlements", "--platform", platform, str(report), "--shop", shop)
                assert "landed" in imported.stdout
        finally:
            receiver.terminate()
            receiver.wait(30)
        setup.sync_all()
        documents = settlement_documents(db_url, platform)
        for shop in setup.shops:
            gross: Counter[str] = Counter()
            net: Counter[str] = Counter()
            for doc in latest_documents([d for d in documents if d.shop_ref == shop]):
                gross[doc.order_ref] += int(doc.gross)
                net[doc.order_ref] += int(doc.net)
            assert {ref: (gross[ref], net[ref]) for ref in gross} == world_summary(
                setup.world, platform, shop, "settlements"
            )
        expected = member_totals_from_documents(setup.world, platform, documents)
        actual = ledger_member_totals(setup.world, db_url)
        owners = {m for shop in setup.world.shops_on(platform) for m in shop.member_nos}
        for member in setup.world.members:
            assert actual[member.member_no] == +expected[member.member_no], member.member_no
        assert {m for m, figures in actual.items() if figures.get("gross")} == owners
        engine = make_engine(db_url)
        with transaction(engine) as session:
            assert check_ledger(session).ok
        engine.dispose()
