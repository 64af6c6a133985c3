"""Trusted schema sets (guidelint.schema.adopt_trusted): a run whose cache context (named by the
schemas' bytes) records that the schemas passed their checks validates front matter without
importing jsonschema, unless a page needs it, and finds exactly what a run without cache finds."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import gen_site

from guidelint.testing import EXAMPLE_TODAY

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import sys
import guidelint.cli as cli
sys.argv = ["guidelint", "check", "--format", "json", "--ignore", "GL4", *sys.argv[1:]]
try:
    cli.main()
except SystemExit as exit:
    sys.stderr.write(f"\\njsonschema imported: {'jsonschema' in sys.modules}\\n")
    raise
"""


def _site(tmp_path: Path) -> Path:
    gen_site().Site(20, 7).write(tmp_path)
    return tmp_path / "content" / "guide-00003.md"


def _check(root: Path, *args: str) -> tuple[int, list, bool]:
    env = dict(os.environ, GUIDELINT_TODAY=EXAMPLE_TODAY.isoformat(), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), "jsonschema imported: True" in proc.stderr


def test_a_trusted_run_skips_jsonschema_until_a_page_needs_it(tmp_path):
    _site(tmp_path)
    _code, cold, imported = _check(tmp_path)
    assert imported  # the first run checks the schemas themselves
    assert list((tmp_path / ".guidelint_cache").rglob("schemas.trusted"))
    bad_front_matter = {d["path"] for d in cold if d["code"].startswith("GL1")}
    name = next(
        f"content/guide-{i:05d}.md"
        for i in range(1, 20)
        if f"content/guide-{i:05d}.md" not in bad_front_matter
    )
    page = tmp_path / name
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    _code2, warm, imported = _check(tmp_path, name)
    assert not imported
    assert warm == [d for d in cold if d["path"] == name]
    # a page the fast check is not sure about: jsonschema explains it, as without a cache
    page.write_text(page.read_text().replace("status: published", "status: archived"))
    _code, found, imported = _check(tmp_path, name)
    _code, plain, _ = _check(tmp_path, "--no-cache", name)
    assert imported and found == plain and any(d["code"] == "GL101" for d in found)


def test_changed_or_damaged_schemas_are_not_trusted(tmp_path):
    _site(tmp_path)
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for path in (REPO / "schemas").iterdir():
        (schemas / path.name).write_bytes(path.read_bytes())
    (tmp_path / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "schemas"\n'
    )
    _code, before, _ = _check(tmp_path)
    bad_front_matter = {d["path"] for d in before if d["code"].startswith("GL1")}
    name = next(
        f"content/guide-{i:05d}.md"
        for i in range(1, 20)
        if f"content/guide-{i:05d}.md" not in bad_front_matter
    )
    page = tmp_path / name
    [trusted] = list((tmp_path / ".guidelint_cache").rglob("schemas.trusted"))
    trusted.write_bytes(b"garbage")  # a damaged record is ignored, and written again
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    assert _check(tmp_path, name)[1:] == ([d for d in before if d["path"] == name], True)
    page.write_text(page.read_text() + "\nAnd another.\n")
    assert _check(tmp_path, name)[1:] == ([d for d in before if d["path"] == name], False)
    guide = schemas / "guide.schema.json"
    doc = json.loads(guide.read_text())
    doc["properties"]["title"]["minLength"] = "five"  # not a valid JSON Schema any more
    guide.write_text(json.dumps(doc))
    proc = subprocess.run(
        [sys.executable, "-m", "guidelint", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=dict(os.environ, GUIDELINT_TODAY=EXAMPLE_TODAY.isoformat()),
    )
    assert proc.returncode == 2 and "not a valid JSON Schema" in proc.stderr
