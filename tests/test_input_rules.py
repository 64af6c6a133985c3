"""Input rules hold their checks and wording as functions; the stages before the page rules call
them. Each test compares a rule's function with what the engine reports for the same case, so
that a stage that calls the function reports exactly what it reported before."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from guidelint.config import load_config
from guidelint.registry import all_rules
from guidelint.rules import gl304_link_escapes_root as link_escapes_root
from guidelint.rules import gl900_internal_error as internal_error
from guidelint.rules import gl901_unreadable_file as unreadable_file
from guidelint.rules import gl902_not_utf8 as not_utf8
from guidelint.rules import gl903_binary_file as binary_file
from guidelint.rules import gl904_empty_file as empty_file
from guidelint.rules import gl908_file_too_large as file_too_large
from guidelint.rules import gl909_too_many_links as too_many_links
from guidelint.rules import gl910_nesting_too_deep as nesting_too_deep
from guidelint.runner import FileItem, analyze, escaped_result, read_item
from guidelint.source import decode

REPO = Path(__file__).resolve().parent.parent


def _config(**limits: int):
    config = load_config(REPO / "pyproject.toml")
    return config.with_overrides(limits=limits) if limits else config


def _analyze(data: bytes, config=None) -> list:
    config = config or _config()
    codes = frozenset(r.code for r in all_rules())
    return analyze("content/page.md", "page.md", data, config, codes).findings


def test_reading_a_folder_a_pipe_or_a_missing_file(tmp_path):
    folder = tmp_path / "folder.md"
    folder.mkdir()
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    page = tmp_path / "page.md"
    page.write_text("# Page\n", encoding="utf-8")
    for path in (folder, pipe):
        _data, problem = read_item(FileItem(path, path.name, path.name), 1_000)
        assert problem is not None and problem.code == unreadable_file.CODE
        assert problem == unreadable_file.check_mode(path.stat().st_mode)
    assert unreadable_file.check_mode(folder.stat().st_mode).message == "is a folder, not a page"
    assert unreadable_file.check_mode(page.stat().st_mode) is None

    missing = tmp_path / "gone.md"
    _data, problem = read_item(FileItem(missing, missing.name, missing.name), 1_000)
    with pytest.raises(FileNotFoundError) as gone:
        missing.stat()
    assert problem == unreadable_file.from_os_error(gone.value)
    denied = unreadable_file.from_os_error(PermissionError(errno.EACCES, "Permission denied"))
    assert denied.message == "file cannot be read: permission denied"
    other = unreadable_file.from_os_error(OSError(errno.EIO, "Input/output error"))
    assert other.message == "file cannot be read: Input/output error"


def test_a_file_over_the_size_limit_is_the_same_finding_read_or_decoded(tmp_path):
    page = tmp_path / "big.md"
    page.write_bytes(b"# Big\n" + b"x" * 200)
    _data, problem = read_item(FileItem(page, page.name, page.name), 100)
    assert problem == file_too_large.check_size(206, 100)
    assert decode(page.read_bytes(), 100) == (None, [problem])
    assert problem.code == file_too_large.CODE
    assert file_too_large.check_size(100, 100) is None


def test_decoding_stops_at_the_first_rule_that_finds_a_problem():
    assert decode(b"\xef\xbb\xbf \n\t\n", 1_000) == (None, [empty_file.check_bytes(b" \n\t\n")])
    binary = decode(b"# A\nb\x00c\xff\n", 1_000)  # binary before encoding: one finding
    assert binary == (None, [binary_file.check_bytes(b"# A\nb\x00c\xff\n")])
    assert binary[1][0].span.line == 2 and binary[1][0].span.column == 2
    latin = decode(b"# Caf\xe9\n", 1_000)
    assert latin == (None, [not_utf8.decode_utf8(b"# Caf\xe9\n")])
    assert "byte 0xe9 at line 1, column 6" in latin[1][0].message
    assert decode(b"\xef\xbb\xbf# A\r\nb\rc\n", 1_000) == ("# A\nb\nc\n", [])
    assert not_utf8.decode_utf8(b"# Caf\xc3\xa9") == "# Café"


def test_parsing_limits_and_internal_errors_are_worded_by_their_rules(monkeypatch):
    blocks = _analyze(
        b"# Many\n\n" + b"".join(b"para %d\n\n" % i for i in range(40)), _config(max_blocks=20)
    )
    [over] = [f for f in blocks if f.code == file_too_large.CODE]
    assert over == file_too_large.too_many_blocks(over.span.line, 20)
    inline = _analyze(b"# Lines\n\n" + b"a line\n" * 40, _config(max_inline_tokens=30))
    [over] = [f for f in inline if f.code == file_too_large.CODE]
    assert over == file_too_large.too_many_inline(over.span.line, 30)
    assert over.span.line == 3 + 29 // 2  # the 30th token of the paragraph that starts on line 3
    assert len(inline) == 1  # the page is not checked further
    lines = _analyze(b"# Lines\n" + b"a line\n" * 40, _config(max_lines=20))
    assert lines == [file_too_large.too_many_lines(42, 20)]
    assert lines[0].span.line == 21
    refs = b"# Refs\n\n" + b"".join(b"[r%d]: /x%d\n" % (i, i) for i in range(5))
    [over] = [f for f in _analyze(refs, _config(max_links=2)) if f.code == "GL909"]
    assert over == too_many_links.too_many_definitions(5, 2)  # the third definition's line

    import guidelint.page

    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(guidelint.page, "build_page", too_deep)
    assert nesting_too_deep.too_deep_to_parse() in _analyze(b"# Deep\n")

    def broken(*args, **kwargs):
        raise ValueError("a broken rule")

    monkeypatch.setattr(guidelint.page, "build_page", broken)
    assert _analyze(b"# Page\n") == [internal_error.from_exception(ValueError("a broken rule"))]


def test_a_page_linking_out_of_the_content_root_is_never_read(tmp_path):
    item = FileItem(tmp_path / "out.md", "content/out.md", None, escapes=True)
    assert escaped_result(item).findings == [link_escapes_root.escaped_page()]
