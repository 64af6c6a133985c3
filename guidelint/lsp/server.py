"""The language server (pygls): diagnostics, code actions, hover and completion over stdio.

* Diagnostics are computed from the open buffers (all of them stand in for their files) against
  the whole site (``guidelint.lsp.engine``): on open and save at once, on change after a pause
  (``debounceMs``, default 200). The first check of a site reads every page; before it, the
  page's own checks are published (``pageChecksFirst``, default on). A check reports the edited page and the pages whose links
  reached it, so renaming a heading shows the links it breaks on the pages that hold them.
* Each diagnostic has its ``code`` and ``codeDescription.href`` (``rulesUrl``, default the
  ``file://`` address of docs/rules.md, ``#glNNN``).
* Code actions: one quick fix per fixable diagnostic (the edits of ``--fix``), offered only when
  every edit still applies to the buffer; and "fix all" when there are several.
* Hover on a rule code (in a suppression comment, or anywhere in a diagnostic's range) shows
  ``guidelint rule CODE``.
* Completion after ``](`` (pages, relative to the page) and ``](page.md#`` (that page's anchors).
* The configuration, schemas and packs are looked at again before every check (a few ``stat``
  calls); changed, they are reloaded and the remembered results dropped. A client that can
  watch files is asked to (pages, configuration, schemas, packs): a change there checks the
  open pages again at once.

Positions: guidelint counts columns in code points; they are converted to the encoding the
client and server agreed on (UTF-16 unless the client offers another).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from guidelint import __version__
from guidelint.config import ConfigError
from guidelint.diagnostics import Diagnostic, Severity
from guidelint.lsp import features
from guidelint.lsp.engine import Sites

logger = logging.getLogger(__name__)

SOURCE = "guidelint"
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def _path_of(uri: str) -> str | None:
    path = to_fs_path(uri)
    if path is None:
        return None
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


class GuidelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "guidelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.sites = Sites()
        self.debounce = 0.2
        self.rules_url = features.default_rules_url()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._uri_of: dict[str, str] = {}  # resolved path -> the uri the client uses for it
        self._published: dict[str, list[Diagnostic]] = {}  # uri -> last diagnostics sent
        self._reported_for: dict[str, set[str]] = {}  # uri -> other uris its checks published
        self._told: set[str] = set()  # outside-root pages already told, config errors shown
        self.checks = 0
        self.timing = False  # initializationOptions.timing: log each check's time (benchmarks)
        self.closing = False  # after the shutdown request: no more checks, nothing more sent
        # initializationOptions.pageChecksFirst: before the first check of a site, which reads
        # every page, publish the page's own checks (milliseconds)
        self.page_checks_first = True

    def close(self) -> None:
        """The client asked to shut down: drop the checks waiting for their pause (sending their
        results after the exit notification would write to a closed stream)."""
        self.closing = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    # ---------------------------------------------------------------- scheduling
    def schedule(self, uri: str, delay: float) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if self.closing:
            return
        if delay <= 0:
            self._fire(uri)
            return
        loop = asyncio.get_event_loop()
        self._timers[uri] = loop.call_later(delay, self._fire, uri)

    def _fire(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if self.closing:
            return
        try:
            self.check(uri)
        except Exception:  # never let one page's failure end the server
            logger.exception("guidelint: checking %s failed", uri)

    # ---------------------------------------------------------------- checking
    def _buffers(self) -> dict[str, bytes]:
        out = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = _path_of(uri)
            if path is not None:
                self._uri_of[path] = uri
                out[path] = doc.source.encode("utf-8", errors="surrogatepass")
        return out

    def check(self, uri: str) -> None:
        """Check the page of ``uri`` and publish its diagnostics; then, a moment later, the pages
        whose links reach it (and those published for it last time, so that fixed ones clear).
        Two runs, so the page's own diagnostics are exactly those of ``guidelint check PAGE``
        (some site rules word findings by which pages a run reports on) and come first."""
        path = _path_of(uri)
        if path is None:
            return
        self.checks += 1
        self._uri_of[path] = uri
        site = self.sites.for_path(path)
        if self.page_checks_first and site.cold:
            # the first check reads the whole site (seconds on a large one): the page checks first
            buffer = self._buffers().get(path)
            if buffer is not None:
                with contextlib.suppress(ConfigError):  # the full check, next, reports it
                    self.publish(uri, site.page_checks(path, buffer))
        result = self._run(uri, site, [path])
        if result is None:
            return
        self.publish(uri, result.by_path.get(path, []))
        if path in result.outside_root:
            root = site.config.content_root if site.config else "?"
            self._tell(
                f"outside:{uri}",
                types.MessageType.Info,
                f"guidelint: {Path(path).name} is outside the content root {root}: only page "
                "checks run on it (links, anchors, orphans and hub order need the site)",
            )
        inbound = [p for p in site.inbound(path) if p != path]
        before = [p for p in (_path_of(u) for u in self._reported_for.get(uri, ())) if p]
        others = list(dict.fromkeys(inbound + before))
        self._reported_for[uri] = {self._uri_for(p) for p in inbound}
        if others:
            asyncio.get_event_loop().call_soon(self._check_others, uri, site, others)

    def _check_others(self, uri: str, site, paths: list[str]) -> None:
        if self.closing:
            return
        try:
            result = self._run(uri, site, paths)
            if result is not None:
                for p in paths:
                    self.publish(self._uri_for(p), result.by_path.get(p, []))
        except Exception:  # never let one page's failure end the server
            logger.exception("guidelint: checking the pages linking to %s failed", uri)

    def _uri_for(self, path: str) -> str:
        return self._uri_of.get(path) or from_fs_path(path) or path

    def _run(self, uri: str, site, report: list[str]):
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            result = site.check(self._buffers(), report)
            if self.timing:
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                focus = "all" if result.focus is None else result.focus
                self.window_log_message(
                    types.LogMessageParams(
                        type=types.MessageType.Log,
                        message=f"guidelint timing: {len(report)} page(s) checked in "
                        f"{wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU; "
                        f"{result.analysed} analysed, links of {focus} resolved",
                    )
                )
            return result
        except ConfigError as exc:
            self._tell(f"config:{exc}", types.MessageType.Error, f"guidelint: {exc}")
            self.publish(uri, [])
            return None

    def _tell(self, key: str, kind: types.MessageType, message: str) -> None:
        if key in self._told:
            return
        self._told.add(key)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    # ---------------------------------------------------------------- conversion
    def _lines(self, uri: str) -> tuple[list[str], int]:
        """The document's lines (as the client has them) and 1 if it starts with a BOM."""
        doc = self.workspace.text_documents.get(uri)
        if doc is not None:
            lines = doc.lines
        else:
            path = to_fs_path(uri)
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace") if path else ""
            except OSError:
                text = ""
            lines = text.splitlines(keepends=True)
        bom = 1 if lines and lines[0].startswith("\ufeff") else 0
        return [line.rstrip("\r\n") for line in lines], bom

    def to_range(
        self, lines: list[str], bom: int, line: int, column: int, end_line: int, end_column: int
    ) -> types.Range:
        codec = self.workspace.position_codec

        def pos(ln: int, col: int) -> types.Position:
            shift = bom if ln == 1 else 0
            if ln - 1 >= len(lines):
                return types.Position(line=max(len(lines), 0), character=0)
            text = lines[ln - 1]
            char = min(max(col - 1 + shift, 0), len(text))
            return codec.position_to_client_units(
                lines, types.Position(line=ln - 1, character=char)
            )

        return types.Range(start=pos(line, column), end=pos(end_line, end_column))

    def to_lsp(self, d: Diagnostic, lines: list[str], bom: int) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.to_range(lines, bom, d.line, d.column, d.end_line, d.end_column),
            message=d.message,
            severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Error),
            code=d.code,
            code_description=types.CodeDescription(href=features.rule_url(self.rules_url, d.code)),
            source=SOURCE,
        )

    def publish(self, uri: str, diagnostics: list[Diagnostic]) -> None:
        lines, bom = self._lines(uri)
        self._published[uri] = diagnostics
        doc = self.workspace.text_documents.get(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=doc.version if doc is not None else None,
                diagnostics=[self.to_lsp(d, lines, bom) for d in diagnostics],
            )
        )

    def current(self, uri: str) -> list[Diagnostic]:
        """The diagnostics of ``uri`` for the buffer as it is now (checked again if a change is
        still waiting for its pause)."""
        if uri in self._timers or uri not in self._published:
            timer = self._timers.pop(uri, None)
            if timer is not None:
                timer.cancel()
            self.check(uri)
        return self._published.get(uri, [])

    def buffer_text(self, uri: str) -> str:
        """The buffer as guidelint reads it: no BOM, LF line endings."""
        doc = self.workspace.get_text_document(uri)
        text = doc.source
        if text.startswith("\ufeff"):
            text = text[1:]
        return text.replace("\r\n", "\n").replace("\r", "\n")


server = GuidelintServer()


@server.feature(types.INITIALIZE)
def on_initialize(ls: GuidelintServer, params: types.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict):
        if isinstance(options.get("debounceMs"), (int, float)) and options["debounceMs"] >= 0:
            ls.debounce = options["debounceMs"] / 1000
        ls.timing = options.get("timing") is True
        if isinstance(options.get("pageChecksFirst"), bool):
            ls.page_checks_first = options["pageChecksFirst"]
        if isinstance(options.get("rulesUrl"), str) and options["rulesUrl"]:
            ls.rules_url = options["rulesUrl"]


# what can change diagnostics besides the buffers: pages, configuration, schemas, packs, name lists
WATCHED = (
    "**/*.md",
    "**/*.markdown",
    "**/guidelint.toml",
    "**/pyproject.toml",
    "**/*.json",
    "**/*.yaml",
    "**/*.yml",
)


@server.feature(types.INITIALIZED)
def on_initialized(ls: GuidelintServer, params: types.InitializedParams) -> None:
    """Ask the client to watch the files a check reads, if it can (VS Code can; Neovim 0.7
    cannot: there the files are looked at again before each check anyway)."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return
    ls.client_register_capability(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="guidelint-watched-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
                    ),
                )
            ]
        )
    )


@server.feature(types.SHUTDOWN)
def on_shutdown(ls: GuidelintServer, params) -> None:
    ls.close()


@server.feature(types.EXIT)
def on_exit(ls: GuidelintServer, params) -> None:
    ls.close()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GuidelintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: GuidelintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: GuidelintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GuidelintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    timer = ls._timers.pop(uri, None)
    if timer is not None:
        timer.cancel()
    # the file on disk is what the site has now: check again the pages this buffer was read for
    for other in ls._reported_for.pop(uri, set()):
        if other in ls.workspace.text_documents:
            ls.schedule(other, ls.debounce)
    ls._published.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched(ls: GuidelintServer, params: types.DidChangeWatchedFilesParams) -> None:
    for uri in list(ls.workspace.text_documents):
        ls.schedule(uri, ls.debounce)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
    ),
)
def code_action(ls: GuidelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    from guidelint.registry import get_rule

    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return []
    diagnostics = ls.current(uri)
    text = ls.buffer_text(uri)
    lines, bom = ls._lines(uri)
    want = params.range
    actions = []
    all_edits: list = []
    for d in diagnostics:
        rule = get_rule(d.code)
        if rule is None or not rule.fixable or not d.fix:
            continue
        if not features.fix_applies(text, d.fix):
            continue
        edits = [
            types.TextEdit(
                range=ls.to_range(
                    lines, bom, e.span.line, e.span.column, e.span.end_line, e.span.end_column
                ),
                new_text=e.text,
            )
            for e in dict.fromkeys(d.fix)
        ]
        all_edits.extend(d.fix)
        lsp_diag = ls.to_lsp(d, lines, bom)
        if not _overlaps(lsp_diag.range, want):
            continue
        actions.append(
            types.CodeAction(
                title=f"Fix {d.code}: {rule.summary}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: edits}),
            )
        )
    unique = tuple(dict.fromkeys(all_edits))
    if len(unique) > 1 and features.fix_applies(text, unique):
        actions.append(
            types.CodeAction(
                title=f"Fix all guidelint problems that have a fix ({len(unique)} edits)",
                kind=types.CodeActionKind.SourceFixAll,
                edit=types.WorkspaceEdit(
                    changes={
                        uri: [
                            types.TextEdit(
                                range=ls.to_range(
                                    lines,
                                    bom,
                                    e.span.line,
                                    e.span.column,
                                    e.span.end_line,
                                    e.span.end_column,
                                ),
                                new_text=e.text,
                            )
                            for e in unique
                        ]
                    }
                ),
            )
        )
    return actions


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: GuidelintServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    pos = doc.position_from_client_units(params.position)
    line = doc.lines[pos.line] if pos.line < len(doc.lines) else ""
    code = features.code_at(line, pos.character)
    if code is None:  # inside a diagnostic's range: that rule (the first, if several)
        lines, bom = ls._lines(uri)
        for d in ls._published.get(uri, []):
            r = ls.to_range(lines, bom, d.line, d.column, d.end_line, d.end_column)
            if _overlaps(r, types.Range(start=params.position, end=params.position)):
                code = d.code
                break
    text = features.rule_text(code) if code else None
    if code is None or text is None:
        return None
    href = features.rule_url(ls.rules_url, code)
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"{text}\n[{code} in the rule docs]({href})"
        )
    )


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["(", "#", "/"]),
)
def completion(ls: GuidelintServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    pos = doc.position_from_client_units(params.position)
    line = doc.lines[pos.line].rstrip("\r\n") if pos.line < len(doc.lines) else ""
    ctx = features.link_context(line[: pos.character])
    if ctx is None:
        return None
    path = _path_of(uri)
    if path is None:
        return None
    site = ls.sites.for_path(path)
    if not site.analyzer.by_rel:  # nothing known yet: check once, which reads the site
        ls.check(uri)
    pages = site.summaries()
    from_rel = None
    if site.config is not None:
        root = str(site.config.content_root) + os.sep
        if path.startswith(root):
            from_rel = path[len(root) :].replace(os.sep, "/")
    if ctx.page is None:
        candidates = features.page_candidates(from_rel, pages)
        start = ctx.start
    else:
        rel = features.target_rel(ctx.page, from_rel, pages)
        candidates = features.anchor_candidates(pages.get(rel) if rel else None)
        start = ctx.start + len(ctx.page) + 1
    codec = ls.workspace.position_codec
    lines = [ln.rstrip("\r\n") for ln in doc.lines]
    begin = codec.position_to_client_units(lines, types.Position(line=pos.line, character=start))
    replace = types.Range(start=begin, end=params.position)
    items = [
        types.CompletionItem(
            label=c.label,
            kind=types.CompletionItemKind.File
            if c.kind == "page"
            else types.CompletionItemKind.Reference,
            detail=c.detail or None,
            text_edit=types.TextEdit(range=replace, new_text=c.label),
            filter_text=c.label,
            sort_text=f"{i:05d}",
        )
        for i, c in enumerate(candidates)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    server.start_io()
