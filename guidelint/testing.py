"""Run a rule's documented examples (used by the tests and usable by pack authors).

``run_example`` writes the example's files into a temporary site (content/ plus the schemas in
use) and checks it with only the rule's own code selected.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from guidelint.config import Config, load_config
from guidelint.diagnostics import Diagnostic
from guidelint.registry import Example
from guidelint.runner import run

EXAMPLE_TODAY = dt.date(2026, 11, 25)
EXAMPLE_CONFIG = "guidelint.toml"  # a file of that name in an example sets configuration for it


def _with_example_config(cfg: Config, text: str | bytes) -> Config:
    """Merge an example's ``=== guidelint.toml ===`` block (validated like a real file) into ``cfg``."""
    from guidelint.config import SPEC, _merge, _validate, tomllib

    if isinstance(text, bytes):
        text = text.decode("utf-8")
    values = _validate(tomllib.loads(text), SPEC, EXAMPLE_CONFIG)
    return Config(root=cfg.root, source=None, values=_merge(cfg.values, values), today=cfg.today)


def run_files(
    files: dict[str, str | bytes],
    select: frozenset[str],
    config: Config | None = None,
    today: dt.date = EXAMPLE_TODAY,
    paths: list[str] | None = None,
) -> list[Diagnostic]:
    import os

    base = (
        config or load_config(Path(__file__).resolve().parent.parent / "pyproject.toml")
        if (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file()
        else load_config(None)
    )
    files = dict(files)
    overrides = files.pop(
        EXAMPLE_CONFIG, None
    )  # an example's own settings (TOML, [tool.guidelint] keys)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = root / "content"
        for name, text in files.items():
            target = content / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        content.mkdir(exist_ok=True)
        cfg = Config(
            root=root,
            source=None,
            values=dict(base.values, content_root="content", schemas=str(base.schemas_dir)),
            today=today,
        )
        if overrides is not None:
            cfg = _with_example_config(cfg, overrides)
        old = os.getcwd()
        os.chdir(root)
        try:
            report = run(paths or [], cfg, select)
        finally:
            os.chdir(old)
        return report.diagnostics


def run_example(code: str, example: Example, config: Config | None = None) -> list[Diagnostic]:
    return [d for d in run_files(example.files, frozenset({code}), config) if d.code == code]
