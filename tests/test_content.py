"""The site itself: content/ must pass every rule that exists."""

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not (REPO / "content").is_dir(), reason="content/ not written yet")
def test_content_is_clean(run_cli):
    code, out, err = run_cli("check", "--format", "json", cwd=REPO, env={"GUIDELINT_TODAY": ""})
    assert "Traceback" not in err
    findings = json.loads(out) if out.strip() else []
    assert findings == [], "\n".join(
        f"{d['path']}:{d['line']}: {d['code']} {d['message']}" for d in findings
    )
    assert code == 0
