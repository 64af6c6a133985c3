"""`guidelint lsp` at the protocol level, driven by pygls' own client over stdio.

Each test starts the real server (``python -m guidelint lsp``) in a copy of
tests/fixtures/lsp_site, opens and edits buffers, and checks what it publishes and answers:
diagnostics (on open, after an unsaved change, on the pages linking to a renamed heading),
code actions (the edits of ``--fix``, compared with what ``guidelint check --fix`` writes),
hover (the text of ``guidelint rule CODE``), link-target completion, configuration reloads and
pages outside the content root. Waits for notifications are bounded (20 s) and never asserted.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from guidelint.lsp import features

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "lsp_site"
WAIT = 20.0


class Client:
    """A pygls client with the server's published diagnostics and messages recorded."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lsp = LanguageClient("guidelint-tests", "1")
        self.diagnostics: dict[str, types.PublishDiagnosticsParams] = {}
        self.messages: list[types.ShowMessageParams] = []
        self.versions: dict[str, int] = {}
        self.registrations: list[types.Registration] = []

        self.history: list[types.PublishDiagnosticsParams] = []

        @self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(ls, params):
            self.diagnostics[params.uri] = params
            self.history.append(params)

        @self.lsp.feature(types.WINDOW_SHOW_MESSAGE)
        def _message(ls, params):
            self.messages.append(params)

        @self.lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
        def _register(ls, params):
            self.registrations.extend(params.registrations)

    async def start(self, capabilities: types.ClientCapabilities | None = None, **options) -> None:
        env = dict(os.environ, GUIDELINT_TODAY="2026-11-25")
        await self.lsp.start_io(sys.executable, "-m", "guidelint", "lsp", cwd=self.root, env=env)
        await self.lsp.initialize_async(
            types.InitializeParams(
                capabilities=capabilities or types.ClientCapabilities(),
                root_uri=from_fs_path(str(self.root)),
                initialization_options={"debounceMs": 20, "pageChecksFirst": False, **options},
            )
        )
        self.lsp.initialized(types.InitializedParams())

    async def stop(self) -> None:
        """Shut the server down; it must exit by itself (bounded wait, then killed)."""
        await asyncio.wait_for(self.lsp.shutdown_async(None), WAIT)
        self.lsp.exit(None)
        server = self.lsp._server
        try:
            await asyncio.wait_for(server.wait(), WAIT)
        except asyncio.TimeoutError:
            server.kill()
            raise AssertionError("the server did not exit after shutdown and exit") from None
        finally:
            await self.lsp.stop()
        assert server.returncode == 0

    def uri(self, rel: str) -> str:
        return from_fs_path(str(self.root / rel))

    def open(self, rel: str, text: str | None = None) -> str:
        uri = self.uri(rel)
        self.versions[uri] = 1
        self.diagnostics.pop(uri, None)
        if text is None:
            text = (self.root / rel).read_text(encoding="utf-8")
        self.lsp.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
        )
        return uri

    def change(self, rel: str, text: str) -> int:
        uri = self.uri(rel)
        self.versions[uri] += 1
        self.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    async def until(self, predicate) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while loop.time() < deadline:
            if predicate():
                return True
            await asyncio.sleep(0.02)
        return predicate()

    def codes(self, rel: str) -> list[str]:
        params = self.diagnostics.get(self.uri(rel))
        return sorted(str(d.code) for d in params.diagnostics) if params else []

    async def published(self, rel: str, version: int | None = None) -> list[types.Diagnostic]:
        uri = self.uri(rel)
        ok = await self.until(
            lambda: (
                uri in self.diagnostics
                and (version is None or self.diagnostics[uri].version == version)
            )
        )
        assert ok, f"no diagnostics for {rel} (version {version})"
        return list(self.diagnostics[uri].diagnostics)


def session(tmp_path: Path, body, capabilities=None, **options):
    """Run ``body(client)`` against a server started in a copy of the fixture site."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)

    async def main():
        client = Client(root)
        await client.start(capabilities, **options)
        try:
            await body(client)
        finally:
            await client.stop()

    asyncio.run(main())
    return root


# ------------------------------------------------------------------ diagnostics
def test_diagnostics_on_open_have_codes_ranges_and_rule_links(tmp_path):
    async def body(c: Client):
        c.open("content/training.md")
        found = await c.published("content/training.md", 1)
        by_code = {d.code: d for d in found}
        assert sorted(by_code) == ["GL320", "GL510"]  # GL301 on brochure.md is suppressed
        misspelt = by_code["GL510"]
        assert (misspelt.range.start.line, misspelt.range.start.character) == (2, 45)
        assert (misspelt.range.end.line, misspelt.range.end.character) == (2, 51)
        assert misspelt.severity == types.DiagnosticSeverity.Warning
        assert misspelt.source == "guidelint"
        assert misspelt.code_description.href == "https://example.org/rules#gl510"

    session(tmp_path, body, rulesUrl="https://example.org/rules#{code}")


def test_page_checks_come_first_while_the_site_is_read(tmp_path):
    async def body(c: Client):
        uri = c.open("content/training.md")
        assert await c.until(
            lambda: [p for p in c.history if p.uri == uri and len(p.diagnostics) == 2]
        )
        mine = [sorted(d.code for d in p.diagnostics) for p in c.history if p.uri == uri]
        # first the page's own checks (GL510), then the whole site's (GL320 is a site rule);
        # the suppression of the site rule GL301 is not called unused in the first answer
        assert mine[:2] == [["GL510"], ["GL320", "GL510"]]
        # later checks read the site from memory: no page-only answer any more
        version = c.change("content/training.md", (c.root / "content/training.md").read_text())
        await c.published("content/training.md", version)
        assert len([p for p in c.history if p.uri == uri]) == 3

    session(tmp_path, body, pageChecksFirst=True)


def test_unsaved_change_is_checked_against_the_site_and_never_written(tmp_path):
    original = (FIXTURE / "content" / "training.md").read_text(encoding="utf-8")
    edited = original.replace("CAHEEP", "CAAHEP") + "\nThen read [pay](wages.md#pay-bands).\n"

    async def body(c: Client):
        c.open("content/training.md")
        await c.published("content/training.md", 1)
        version = c.change("content/training.md", edited)
        found = await c.published("content/training.md", version)
        assert sorted(d.code for d in found) == ["GL302", "GL320"]
        anchor = next(d for d in found if d.code == "GL302")
        assert anchor.range.start.line == 9 and "pay-bands" in anchor.message
        # by default the rule link is the generated docs/rules.md, at the rule's anchor
        assert anchor.code_description.href.startswith("file://")
        assert anchor.code_description.href.endswith("docs/rules.md#gl302")
        # a second change while the first waits for its pause: only the last text counts
        c.change("content/training.md", original + "\n[gone](gone.md)\n")
        version = c.change("content/training.md", original)
        found = await c.published("content/training.md", version)
        assert sorted(d.code for d in found) == ["GL320", "GL510"]

    root = session(tmp_path, body)
    assert (root / "content" / "training.md").read_text(encoding="utf-8") == original


def test_renamed_heading_is_reported_on_the_pages_linking_to_it(tmp_path):
    wages = (FIXTURE / "content" / "wages.md").read_text(encoding="utf-8")

    async def body(c: Client):
        c.open("content/wages.md")
        await c.published("content/wages.md", 1)
        c.change("content/wages.md", wages.replace("## What changes wages", "## Pay factors"))
        assert await c.until(
            lambda: (
                c.codes("content/index.md") == ["GL302"]
                and c.codes("content/states/index.md") == ["GL302"]
            )
        ), c.diagnostics
        index = c.diagnostics[c.uri("content/index.md")].diagnostics[0]
        assert "what-changes-wages" in index.message and index.range.start.line == 2
        # the heading back: those pages are published again, clean
        c.change("content/wages.md", wages)
        assert await c.until(
            lambda: c.codes("content/index.md") == [] and c.codes("content/states/index.md") == []
        ), c.diagnostics

    session(tmp_path, body)


def test_config_change_is_picked_up_without_a_restart(tmp_path):
    text = (FIXTURE / "content" / "training.md").read_text(encoding="utf-8")

    async def body(c: Client):
        uri = c.open("content/training.md")
        assert "GL510" in [d.code for d in await c.published("content/training.md", 1)]
        # the server asked this client (which can) to watch the configuration, among others
        assert await c.until(lambda: c.registrations)
        watchers = c.registrations[0].register_options["watchers"]
        assert {"globPattern": "**/guidelint.toml"} in watchers
        config = c.root / "guidelint.toml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                'ignore = ["GL308"', 'ignore = ["GL510", "GL308"'
            ),
            encoding="utf-8",
        )
        # the watched file changed: the open page is checked again, its buffer untouched
        c.diagnostics.pop(uri)
        c.lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=c.uri("guidelint.toml"), type=types.FileChangeType.Changed)]
            )
        )
        assert [d.code for d in await c.published("content/training.md", 1)] == ["GL320"]
        # and without the notification, the next change sees the configuration too
        config.write_text(config.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
        version = c.change("content/training.md", text + "\n")
        assert [d.code for d in await c.published("content/training.md", version)] == ["GL320"]
        # a broken configuration: said once, as an error message; no stale diagnostics
        config.write_text("content_root = 5\n", encoding="utf-8")
        version = c.change("content/training.md", text)
        assert await c.published("content/training.md", version) == []
        errors = [m for m in c.messages if m.type == types.MessageType.Error]
        assert len(errors) == 1 and "content_root" in errors[0].message

    watching = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            )
        )
    )
    session(tmp_path, body, watching)


def test_page_outside_the_content_root_gets_page_checks_and_one_notice(tmp_path):
    # the emoji is one code point but two UTF-16 units: positions are sent in UTF-16
    draft = "# Notes\n\n\U0001f642 Ask CAHEEP, then see [missing](nowhere.md).\n"

    async def body(c: Client):
        (c.root / "notes").mkdir()
        (c.root / "notes" / "draft.md").write_text(draft, encoding="utf-8")
        c.open("notes/draft.md")
        found = await c.published("notes/draft.md", 1)
        assert [d.code for d in found] == ["GL510"]
        assert (found[0].range.start.character, found[0].range.end.character) == (7, 13)
        version = c.change("notes/draft.md", draft + "\nMore CAHEP.\n")
        assert [d.code for d in await c.published("notes/draft.md", version)] == ["GL510"] * 2
        infos = [m for m in c.messages if m.type == types.MessageType.Info]
        assert len(infos) == 1 and "outside the content root" in infos[0].message

    session(tmp_path, body)


# ------------------------------------------------------------------ code actions
def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text here, so UTF-16 units are characters)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return starts[p.line] + p.character

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def test_code_actions_make_the_same_edits_as_fix(tmp_path, run_cli):
    original = (FIXTURE / "content" / "training.md").read_text(encoding="utf-8")
    got = {}

    async def body(c: Client):
        uri = c.open("content/training.md")
        found = await c.published("content/training.md", 1)
        whole = types.Range(types.Position(0, 0), types.Position(len(original.split("\n")), 0))
        actions = await c.lsp.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), whole, types.CodeActionContext(found)
            )
        )
        got["quick"] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        got["all"] = [a for a in actions if a.kind == types.CodeActionKind.SourceFixAll]
        # the cursor on the misspelt word: one quick fix
        line3 = types.Range(types.Position(2, 47), types.Position(2, 47))
        got["line3"] = await c.lsp.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), line3, types.CodeActionContext([])
            )
        )
        # the buffer moved on (the misspelling fixed by hand): no action for it any more
        version = c.change("content/training.md", original.replace("CAHEEP", "CAAHEP"))
        await c.published("content/training.md", version)
        got["after"] = await c.lsp.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), whole, types.CodeActionContext([])
            )
        )
        got["uri"] = uri

    session(tmp_path, body)
    uri = got["uri"]
    assert sorted(a.diagnostics[0].code for a in got["quick"]) == ["GL320", "GL510"]
    assert [a.diagnostics[0].code for a in got["line3"] if a.kind == "quickfix"] == ["GL510"]
    assert [a.diagnostics[0].code for a in got["after"] if a.kind == "quickfix"] == ["GL320"]
    fixed_all = _apply(original, got["all"][0].edit.changes[uri])
    one_by_one = original
    for action in sorted(got["quick"], key=lambda a: a.diagnostics[0].code):
        one_by_one = _apply(one_by_one, action.edit.changes[uri])

    # what guidelint check --fix writes to the same page
    fix_root = tmp_path / "fix"
    shutil.copytree(FIXTURE, fix_root)
    code, _out, err = run_cli("check", "--fix", "content/training.md", cwd=fix_root)
    assert code == 0, err
    expected = (fix_root / "content" / "training.md").read_text(encoding="utf-8")
    assert expected != original
    assert fixed_all == expected
    assert one_by_one == expected


def test_fix_applies_only_to_the_text_it_was_made_for():
    from guidelint.diagnostics import CheckedEdit, Edit, Span

    text = "See [pay](old-wages.md).\n"
    edit = CheckedEdit(Span(1, 11, 1, 23), "wages.md", expect="old-wages.md")
    assert features.fix_applies(text, (edit,))
    assert not features.fix_applies(text.replace("old-wages", "old-wage"), (edit,))
    overlapping = (Edit(Span(1, 1, 1, 4), "Read"), Edit(Span(1, 3, 1, 6), "x"))
    assert not features.fix_applies(text, overlapping)
    assert not features.fix_applies(text, (Edit(Span(9, 1, 9, 2), "x"),))


# ------------------------------------------------------------------ hover
def test_hover_on_a_code_shows_the_rule_documentation(tmp_path):
    rule_out = subprocess.run(
        [sys.executable, "-m", "guidelint", "rule", "GL301"],
        capture_output=True,
        text=True,
        cwd=FIXTURE,
        check=True,
    ).stdout
    got = {}

    async def body(c: Client):
        uri = c.open("content/training.md")
        await c.published("content/training.md", 1)
        doc = types.TextDocumentIdentifier(uri)
        # the code in the suppression comment (line 7: <!-- guidelint-disable-next-line GL301 ...)
        line = (c.root / "content" / "training.md").read_text(encoding="utf-8").split("\n")[6]
        got["comment"] = await c.lsp.text_document_hover_async(
            types.HoverParams(doc, types.Position(6, line.index("GL301") + 2))
        )
        # inside the range of the GL510 diagnostic (the word CAHEEP)
        got["diagnostic"] = await c.lsp.text_document_hover_async(
            types.HoverParams(doc, types.Position(2, 48))
        )
        got["nothing"] = await c.lsp.text_document_hover_async(
            types.HoverParams(doc, types.Position(0, 2))
        )

    session(tmp_path, body)
    comment = got["comment"].contents.value
    assert comment.startswith(rule_out.rstrip("\n"))
    assert "docs/rules.md#gl301" in comment
    assert got["diagnostic"].contents.value.startswith("GL510 known-name-spelling")
    assert got["nothing"] is None


# ------------------------------------------------------------------ completion
def test_completion_offers_pages_then_their_anchors(tmp_path):
    got = {}

    async def body(c: Client):
        uri = c.open("content/states/index.md")
        await c.published("content/states/index.md", 1)
        text = (c.root / "content/states/index.md").read_text(encoding="utf-8")
        lines = text.split("\n")
        c.change("content/states/index.md", text + "See [pay](\n")
        n = len(lines) - 1  # the new line's number (0-based)
        doc = types.TextDocumentIdentifier(uri)
        got["pages"] = await c.lsp.text_document_completion_async(
            types.CompletionParams(doc, types.Position(n, 10))
        )
        c.change("content/states/index.md", text + "See [pay](../wages.md#wh\n")
        got["anchors"] = await c.lsp.text_document_completion_async(
            types.CompletionParams(doc, types.Position(n, 24))
        )
        got["prose"] = await c.lsp.text_document_completion_async(
            types.CompletionParams(doc, types.Position(n, 3))
        )

    session(tmp_path, body)
    pages = {i.label: i for i in got["pages"].items}
    assert set(pages) == {"../index.md", "../training.md", "../wages.md"}
    assert pages["../wages.md"].detail is None or isinstance(pages["../wages.md"].detail, str)
    assert pages["../wages.md"].text_edit.range.start.character == 10
    anchors = {i.label: i for i in got["anchors"].items}
    assert set(anchors) == {
        "wages-in-harbor-towns",
        "what-changes-wages",
        "where-the-figures-come-from",
    }
    assert anchors["what-changes-wages"].detail == "What changes wages"
    # the anchor replaces what is typed after '#'
    edit = anchors["what-changes-wages"].text_edit
    assert (edit.range.start.character, edit.range.end.character) == (22, 24)
    assert got["prose"] is None


def test_link_context():
    assert features.link_context("See [pay](") == features.LinkContext(None, "", 10)
    assert features.link_context("See [pay](wa") == features.LinkContext(None, "wa", 10)
    assert features.link_context("[a](wages.md#wh") == features.LinkContext(
        "wages.md", "wages.md#wh", 4
    )
    assert features.link_context("[a](#") == features.LinkContext("", "#", 4)
    assert features.link_context("[a](https://ex") is None
    assert features.link_context("[a](b.md) and more") is None
    assert features.link_context("plain (text") is None


# ------------------------------------------------------------------ the command
def test_lsp_without_pygls_says_so_and_exits_2(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['pygls'] = None\n"
        "sys.argv = ['guidelint', 'lsp']\n"
        "from guidelint.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert proc.returncode == 2
    assert "pip install 'guidelint[lsp]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_rules_doc_is_generated_from_the_registry():
    from guidelint.cli import load

    load(str(HERE.parent / "pyproject.toml"))
    doc = (HERE.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == features.rules_markdown(), (
        "docs/rules.md is stale: guidelint rules --format docs > docs/rules.md"
    )
    from guidelint.registry import all_rules

    for rule in all_rules():
        assert f"\n## {rule.code}\n" in doc  # the heading whose GitHub anchor is #glnnn


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        ("<!-- guidelint-disable GL301 -- x -->", 24, "GL301"),
        ("gl302 here", 0, "GL302"),
        ("no code", 1, None),
    ],
)
def test_code_at(line, column, code):
    assert features.code_at(line, column) == code
