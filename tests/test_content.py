"""The site itself: content/ must pass every rule that exists."""

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _front_matter_text() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.md"))
    )


@pytest.mark.skipif(not (REPO / "content").is_dir(), reason="content/ not written yet")
def test_content_is_clean(run_cli):
    """Checked as of the newest review date in content/, so the result does not depend on the
    day the suite runs; .ci/run checks content/ against the real date before the tests."""
    dates = re.findall(
        r"^last_reviewed:\s*(\d{4}-\d{2}-\d{2})", _front_matter_text(), flags=re.MULTILINE
    )
    as_of = max(dates)
    code, out, err = run_cli("check", "--format", "json", cwd=REPO, env={"GUIDELINT_TODAY": as_of})
    assert "Traceback" not in err
    findings = json.loads(out) if out.strip() else []
    assert findings == [], "\n".join(
        f"{d['path']}:{d['line']}: {d['code']} {d['message']}" for d in findings
    )
    assert code == 0
