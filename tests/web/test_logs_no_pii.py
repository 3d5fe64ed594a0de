"""No file name, profile value or identifier in any log line: an evidence file whose name holds a
client's name and fødselsnummer fails to read in a real worker process (verbose), and the web's
error paths run; neither the worker's output nor the web's log has the name or the number,
while the specialist still sees the message on the page."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.web.conftest import REPO, World, post

NAME = "Máret Čiekčá"
FNR = "01017012345"
FILE_NAME = f"{NAME} {FNR} lønnsslipp.jpg"

pytestmark = pytest.mark.redis


def test_a_failed_read_logs_neither_the_file_name_nor_the_number(
    world: World, as_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    c = as_user("specialist")
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (1200, 1600), "white").save(photo, "JPEG", quality=95)
    broken = photo.getvalue()[: len(photo.getvalue()) // 3]  # a cut-off phone photo: it
    # passes the upload's checks (a JPEG, its size) and fails when it is read
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": [(io.BytesIO(broken), FILE_NAME)]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    evidence_id = int(re.findall(r"/evidence/(\d+)/status", page)[-1])
    env = {
        **os.environ,
        "FORMFILL_HOME": str(REPO),
        "FORMFILL_DATA_DIR": str(world.settings.data_dir),
        "FORMFILL_ARTIFACT_KEY": world.settings.artifact_key or "",
    }
    env.pop("FORMFILL_DATABASE_URL", None)
    env.pop("FORMFILL_REDIS_URL", None)
    worker = subprocess.run(
        [sys.executable, "-m", "formfill", "worker", "--burst", "--verbose"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    status = c.get(f"/evidence/{evidence_id}/status").get_json()
    assert status["status"] == "failed", (status, worker.stderr[-2000:])
    review = c.get(f"/evidence/{evidence_id}").get_data(as_text=True)
    assert "Máret" in review  # the specialist sees which file it was
    logs = worker.stdout + worker.stderr + caplog.text
    assert "exception" in logs.lower() or "failed" in logs.lower()  # it was logged ...
    for secret in (FNR, "Máret", "Čiekčá", "lønnsslipp"):
        assert secret not in logs, f"{secret!r} in a log line"  # ... without the person


def test_the_web_logs_an_error_s_type_and_place_never_its_message(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    from web import create_app

    app = create_app(world.settings, TESTING=True)

    @app.route("/_boom_formfill")
    def boom_formfill() -> str:
        raise RuntimeError(f"could not read {FILE_NAME}")

    caplog.set_level(logging.DEBUG)
    resp = app.test_client().get("/_boom_formfill")
    assert resp.status_code == 500
    assert "RuntimeError" in caplog.text and "test_logs_no_pii.py" in caplog.text
    assert FNR not in caplog.text and "Máret" not in caplog.text
