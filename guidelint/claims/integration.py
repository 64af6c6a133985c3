"""Wiring the claims engine into guidelint's rule registry and page model.

* The built-in pack's rules are registered when ``guidelint.rules`` is imported (the rule modules
  ``gl401_claims``, ``gl410_required_claims`` and ``gl420_figure_attribution`` call
  :func:`register_builtin`), so ``guidelint rules`` / ``rule GL401`` list them with their examples.
* :func:`configure` (called by the CLI with the loaded configuration) applies ``claims.builtin``
  and ``claims.packs``: it validates every pack (raising :class:`PackError`, exit code 2) and
  registers the extra packs' rules with their own codes.
* At check time each rule asks :func:`engine_for` for the engine of the page's configuration
  (cached), and the page's matches are computed once per page (``page.cache``).
* Loading and validating a pack compiles none of its pattern-language regexes: the engine compiles
  each on first use, so a run that analyses no page never compiles them; a process pool compiles
  them all before forking (:func:`compile_engine`), so that its workers inherit them.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

# at import, not on the first page without a configuration (benchmarks, evaluation): importing
# the configuration module (tomllib, datetime, its dataclasses) costs ~50 M instructions once
from guidelint.config import SPEC
from guidelint.diagnostics import Severity, Span
from guidelint.registry import Rule as RegistryRule
from guidelint.registry import add_rule, remove_rules
from guidelint.rules.gl911_claims_text_limit import Budget, budget, lead_sentence
from guidelint.saferegex import CLOCK

from .engine import MECHANISMS, ClaimMatch, Engine, FigureContext
from .pack import (
    ClaimRule,
    FigureRule,
    Pack,
    PackError,
    Requirement,
    builtin_pack_paths,
    load_pack,
)

if TYPE_CHECKING:  # pragma: no cover
    from .packcache import PackCache

_PACKS: dict[tuple[str, float, int], Pack] = {}
_ENGINES: dict[tuple, Engine] = {}
_REGISTERED: set[str] = set()
_STORE: list[PackCache] = []  # the run's pack cache (guidelint.claims.packcache), if it has one


def use_pack_cache(store: PackCache | None) -> None:
    """Read packs through ``store`` from now on (None: parse them; ``--no-cache``)."""
    _STORE[:] = [store] if store is not None else []


def _pack(path: Path) -> Pack:
    st = path.stat()
    key = (str(path), st.st_mtime, st.st_size)
    if key not in _PACKS:
        pack = _STORE[0].load(path) if _STORE else load_pack(path)
        if path not in builtin_pack_paths():
            bound_user_patterns(pack)
        _PACKS[key] = pack
    return _PACKS[key]


def bound_user_patterns(pack: Pack, *, everything: bool = False) -> int:
    """Make the raw regular expressions of a site's own pack (``re:`` parts, ``applies_to``)
    run within the page's time (``guidelint.saferegex.Bounded``, GL912); the regexes the pattern
    language makes, and the built-in pack's, keep running with ``re`` (``everything``: those too,
    for the tests that compare the two engines). Returns how many."""
    from guidelint.saferegex import Bounded

    from .patterns import Regex

    done = 0
    seen: set[int] = set()

    def origin(line: int) -> str:
        return f"{pack.path}:{line}" if line else str(pack.path)

    def bounded(pattern: str, flags: int, line: int) -> Bounded:
        try:
            return Bounded(pattern, flags, origin(line))
        except Exception as exc:  # valid for re (the pack loaded) but not for regex: rare
            raise PackError(f"pattern {pattern!r}: {exc}", pack.path, line or None) from None

    def visit(node: Any, line: int) -> None:
        nonlocal done
        if id(node) in seen or node is None or isinstance(node, (str, int, float, bool)):
            return
        seen.add(id(node))
        if isinstance(node, Regex):
            if (everything or not node.safe) and not isinstance(node._compiled, Bounded):
                node._compiled = bounded(node.pattern, node.flags, line)  # type: ignore[assignment]
                done += 1
            for part in node.parts:
                visit(part, line)
            return
        if isinstance(node, re.Pattern):
            return
        if isinstance(node, (list, tuple)):
            for item in node:
                visit(item, line)
            return
        if isinstance(node, dict):
            for item in node.values():
                visit(item, line)
            return
        fields = getattr(node, "__dataclass_fields__", None)
        if fields is None:
            return
        line = getattr(node, "line", 0) or line
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, re.Pattern) and name in ("slug", "section"):  # applies_to
                object.__setattr__(node, name, bounded(value.pattern, value.flags, line))
                done += 1
            else:
                visit(value, line)

    visit(pack, 0)
    return done


def _pack_paths(config: Any | None) -> tuple[list[Path], bool]:
    if config is None:
        return [], True
    try:
        claims = config["claims"]
    except (KeyError, TypeError):
        return [], True
    extra = [config.resolve_path(p) for p in claims.get("packs", ())]
    return extra, bool(claims.get("builtin", True))


def engine_for(config: Any | None = None) -> Engine:
    """The engine for a configuration (built-in pack unless claims.builtin is false, plus claims.packs)."""
    extra, builtin = _pack_paths(config)
    paths = (builtin_pack_paths() if builtin else []) + extra
    key = tuple((str(p), p.stat().st_mtime if p.exists() else 0) for p in paths)
    if key not in _ENGINES:
        _ENGINES[key] = Engine([_pack(p) if p.exists() else load_pack(p) for p in paths])
    return _ENGINES[key]


def compile_engine(config: Any | None, selected: frozenset[str]) -> None:
    """Compile the configuration's engine now if one of its rules is selected. A process pool calls
    this before forking, so that its workers inherit the compiled engine instead of each compiling
    it again; anywhere else the engine compiles what it needs on first use (see patterns.Regex)."""
    engine = engine_for(config)
    if any(r.code in selected for r in engine.all_rules()):
        engine.compile()


def fingerprint(config: Any | None = None) -> str:
    """A digest of the packs in use (for the analysis cache key)."""
    extra, builtin = _pack_paths(config)
    h = hashlib.sha256()
    for p in (builtin_pack_paths() if builtin else []) + extra:
        h.update(str(p).encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


# ------------------------------------------------------------------ documentation from pack data
def _page(sentence: str, title: str = "Example page") -> str:
    return f"---\ntitle: {title}\n---\n\n{sentence}\n"


def _doc_for(
    r: ClaimRule | FigureRule | Requirement, *, requirements: list[Requirement] | None = None
) -> str:
    lines = [f"{r.summary}", ""]
    lines.append(f"Policy {r.policy} (claims pack `{r.pack}`, {Path(r.path).name} line {r.line}).")
    lines.append("")
    lines.append(f"What it reports: {r.message}")
    lines.append("")
    lines.append(f"Why: {r.why}")
    lines.append("")
    lines.append(f"Suggested rewrite: {r.suggestion}")
    lines.append("")
    if isinstance(r, ClaimRule):
        lines.append(
            "Negation, hedges, questions, quoted or rejected claims and other clauses of the sentence "
            "are taken into account; see the pack for the exact patterns."
        )
        lines.append("")
    if requirements is not None:
        for q in requirements:
            where = "; ".join(
                ", ".join(
                    x
                    for x in (
                        f"type {a.type}" if a.type else "",
                        f"slug /{a.slug.pattern}/" if a.slug else "",
                        f"section /{a.section.pattern}/" if a.section else "",
                    )
                    if x
                )
                for a in q.applies_to
            )
            lines.append(f"- `{q.name}` ({q.policy}): {q.summary} Applies to: {where}.")
        lines.append("")
        for q in requirements:
            slug = next(
                (
                    a.slug.pattern.strip("^$")
                    for a in q.applies_to
                    if a.slug is not None and a.section is None and a.type is None
                ),
                None,
            )
            if not slug or not all(c.isalnum() or c in "-/" for c in slug):
                continue
            for verdict, items in (("pass", q.examples.ok), ("fail", q.examples.violation)):
                for s in items:
                    lines += [
                        f"```markdown {verdict}",
                        f"=== {slug}.md ===",
                        _page(s).rstrip("\n"),
                        "```",
                        "",
                    ]
        return "\n".join(lines)
    for verdict, items in (("pass", r.examples.ok), ("fail", r.examples.violation)):
        for s in items:
            lines += [f"```markdown {verdict}", _page(s).rstrip("\n"), "```", ""]
    return "\n".join(lines)


def _severity(value: str) -> Severity:
    return Severity(value)


# ------------------------------------------------------------------ page analysis (once per page)
def _front_matter_dated_source(page) -> bool:
    sources = page.meta.get("sources")
    if not isinstance(sources, list):
        return False
    return any(isinstance(s, dict) and s.get("period") for s in sources)


def _section_titles(page, heading_index: int | None) -> list[str]:
    """Titles of the heading a block sits under and of its enclosing headings."""
    if heading_index is None:
        return []
    cache = page.cache.setdefault("claims.section_titles", {})
    if heading_index in cache:
        return cache[heading_index]
    # built once per page, not once per heading: 50,000 headings took 104 s that way
    by_heading = page.cache.get("claims.sections_by_heading")
    if by_heading is None:
        by_heading = page.cache["claims.sections_by_heading"] = {
            sec.heading: sec for sec in page.sections
        }
    titles = []
    sec = by_heading.get(heading_index)
    while sec is not None:
        titles.append(sec.title)
        sec = page.sections[sec.parent] if sec.parent is not None else None
    if not titles and 0 <= heading_index < len(page.headings):
        titles.append(page.headings[heading_index].text)
    cache[heading_index] = titles
    return titles


_KINDS = {"heading": "heading", "table_cell": "table", "list_item": "list"}
# the longest sentence read together with the question before it as its answer
_ANSWER_CHARS = 400
_EXTERNAL = ("http://", "https://")


def max_claim_chars(config: Any | None) -> int:
    """limits.max_claim_chars of the configuration (its default without one)."""
    if config is None:
        return SPEC["limits"]["max_claim_chars"][1]
    return config["limits"]["max_claim_chars"]


def page_budget(page, config: Any | None) -> Budget:
    """The sentences of the page the claims rules read (limits.max_claim_chars, GL911)."""
    return budget(page, max_claim_chars(config))


_CLAIM_CODES: dict[int, tuple[Engine, frozenset[str]]] = {}


def claim_codes(config: Any | None) -> frozenset[str]:
    """The codes of the claims rules of a configuration: its packs' claim, figure and
    required-claim rules, and the model tier (GL490) when the built-in pack is on."""
    engine = engine_for(config)
    got = _CLAIM_CODES.get(id(engine))
    if got is None or got[0] is not engine:
        from guidelint.rules.gl490_claim_model import CODE as MODEL_CODE

        codes = {r.code for r in engine.all_rules()}
        if _pack_paths(config)[1]:
            codes.add(MODEL_CODE)
        got = _CLAIM_CODES[id(engine)] = (engine, frozenset(codes))
    return got[1]


def _lead_sentence(page, lead: str) -> str:
    """The part of a list's lead-in the engine reads (its last sentence, see engine._normalised),
    worked out once per lead-in (shared with the budget, GL911) instead of once per list item: a
    list of 20,000 items after a paragraph of 500 KB took 141 s. Passing the last sentence gives
    the engine the same text: the last sentence of the last sentence is itself. (An empty last
    sentence: the lead-in as it is, which the engine reduces to the same empty text.)"""
    return lead_sentence(page, lead) or lead


def page_matches(
    page, config: Any | None, selected: frozenset[str] | None = None
) -> list[tuple[int, ClaimMatch]]:
    """The claim/figure matches on the page: (sentence index, match). Computed once per page.

    ``selected``: the codes the run reports (None: all); the matches of the others may be left out.
    """
    key = ("claims.matches", selected)
    if key in page.cache:
        return page.cache[key]
    engine = engine_for(config)
    codes = engine.codes_needed(selected) if selected is not None else None
    out: list[tuple[int, ClaimMatch]] = []
    contexts: dict[int, FigureContext] = {}

    linking_out: set[int | None] = set()

    def figure_context(b: int) -> FigureContext:
        """The figure context of block ``b``, computed when a sentence of it has a figure."""
        if b not in contexts:
            text = page.blocks[b].text
            if not contexts:  # the blocks with a link out, once a page (not once a block)
                linking_out.update(
                    ln.block
                    for ln in page.links
                    if ln.kind == "link" and ln.target.startswith(_EXTERNAL)
                )
            contexts[b] = FigureContext(
                # a link out, or a source named anywhere in the paragraph ("According to the BLS,
                # ... . The lowest tenth earned under $30,000."): that search only when asked
                # (a figure with a period), and once a block
                source_in_paragraph=b in linking_out
                or cache(partial(_names_a_source, engine, text)),
                period_in_paragraph=any(f.periods.search(text) for f in engine.figure_rules),
                front_matter_dated_source=_front_matter_dated_source(page),
            )
        return contexts[b]

    check = engine.check
    clock = CLOCK
    reads = page_budget(page, config)
    sentences = page.sentences
    answers = MECHANISMS["answer_across_sentences"]
    at = -1  # the block of the sentences before: what follows is the same for all its sentences
    lead: str | None = None
    kind = "text"
    figures: Any = None
    section: list[str] = []
    for si, sent in enumerate(page.sentences[: reads.stop]):
        if reads.long and si in reads.long:
            continue
        if sent.block != at:
            at = sent.block
            block = page.blocks[at]
            lead = block.lead_in if block.kind == "list_item" else None
            if lead:
                lead = _lead_sentence(page, lead)
            kind = _KINDS.get(block.kind, "text")
            figures = partial(figure_context, at)
            section = _section_titles(page, block.section)
        text = sent.text
        qlen = 0
        if answers and text.endswith("?"):
            # "Do I need an MA license? No.": read the question with its answer, keep its matches
            nxt = si + 1
            if (
                nxt < reads.stop
                and nxt not in reads.long
                and sentences[nxt].block == at
                and len(sentences[nxt].text) <= _ANSWER_CHARS
                and engine.answers_question(sentences[nxt].text)
            ):
                qlen = len(text)
                text = f"{text} {sentences[nxt].text}"
        for m in check(
            text,
            lead_in=lead if sent.start == 0 else None,
            kind=kind,
            codes=codes,
            figures=figures,
            section=section,
        ):
            if qlen:
                if m.start >= qlen:
                    continue  # the answer's own matches: found when it is read
                if m.end > qlen:
                    m = replace(m, end=qlen, text=text[m.start : qlen])
            out.append((si, m))
        if clock.pending:  # a site pattern ran out of time on this sentence (GL912)
            clock.locate(page.blocks[at].position(sent.start)[0])
    page.cache[key] = out
    return out


def _names_a_source(engine: Engine, text: str) -> bool:
    """Does ``text`` (a paragraph) name a source of a figure rule?"""
    return any(f.sources.search(text) for f in engine.figure_rules)


def _finding(rule: RegistryRule, page, si: int, m: ClaimMatch):
    sent = page.sentences[si]
    span = page.sentence_span(sent, m.start, m.end)
    quoted = m.text if len(m.text) <= 60 else m.text[:57] + "..."
    msg = f"{m.policy}: {m.message} (\u201c{quoted}\u201d) {m.why} Suggestion: {m.suggestion}"
    return rule.finding(span, msg)


class PackClaimRule(RegistryRule):
    """A claim rule from a pack (documentation generated from the pack)."""

    scope = "page"

    def __init__(self, r: ClaimRule | FigureRule):
        self.code = r.code
        self.name = r.name
        self.summary = r.summary
        self.severity = _severity(r.severity)
        self.doc_override = _doc_for(r)
        self.pack_rule = r

    def check(self, page, ctx):
        # the page's matches are computed once for the run's selection (which includes this rule)
        selected = ctx.selected if self.code in ctx.selected else ctx.selected | {self.code}
        for si, m in page_matches(page, ctx.config, selected):
            if m.code == self.code:
                yield _finding(self, page, si, m)


class RequiredClaimRule(RegistryRule):
    """Required claims (one code for every requirement of the packs)."""

    scope = "page"

    def __init__(self, code: str, reqs: list[Requirement]):
        self.code = code
        self.name = "required-claim-missing"
        self.summary = "A page or section lacks a claim its page type requires (in hedged form)"
        self.severity = _severity(max((q.severity for q in reqs), key=lambda s: Severity(s).rank))
        self.doc_override = _doc_for(reqs[0], requirements=reqs)
        self.requirements = reqs

    def check(self, page, ctx):
        engine = engine_for(ctx.config)
        page_type, slug = page.type, page.slug
        reads = page_budget(page, ctx.config)
        # a page the claims rules do not read whole (GL911): a required claim missing from the
        # part they read may be in the rest, so it is not reported
        whole = reads.complete(len(page.sentences))
        for req, applies in engine.requirements_for(page_type, slug):
            if req.code != self.code:
                continue
            if applies.section is None:
                sentences = _read_texts(page, reads, range(len(page.sentences)))
                met = engine.requirement_met(req, sentences)
                h1 = next((h for h in page.headings if h.level == 1), None)
                span = h1.span if h1 else Span.point(page.body_start)
                if CLOCK.pending:  # (a site pattern ran out of time: GL912, at the page's top)
                    CLOCK.locate(span.line)
                if met or not whole:
                    continue
                yield self.finding(
                    span, f"{req.policy}: {req.message} {req.why} Suggestion: {req.suggestion}"
                )
                continue
            for sec in page.sections:
                heading = page.headings[sec.heading]
                applies_here = applies.section.search(heading.text)
                if CLOCK.pending:
                    CLOCK.locate(heading.span.line)
                if not applies_here:
                    continue
                indices = _sentences_between(page, sec.start_line, sec.end_line)
                sentences = _read_texts(page, reads, indices)
                met = engine.requirement_met(req, sentences)
                if CLOCK.pending:
                    CLOCK.locate(heading.span.line)
                if met:
                    continue
                if not whole and not all(reads.reads(i) for i in indices):
                    continue
                yield self.finding(
                    heading.span,
                    f"{req.policy}: section \u201c{heading.text}\u201d: {req.message} "
                    f"{req.why} Suggestion: {req.suggestion}",
                )


def _read_texts(page, reads: Budget, indices: range | list[int]) -> list[str]:
    """The texts of the sentences at ``indices`` that the claims rules read (all of them, on a
    page within limits.max_claim_chars)."""
    sentences = page.sentences
    if isinstance(indices, range) and reads.complete(len(sentences)):
        return [s.text for s in sentences[indices.start : indices.stop]]
    return [sentences[i].text for i in indices if reads.reads(i)]


def _sentences_between(page, after_line: int, last_line: int) -> range | list[int]:
    """The indices of the page's sentences that start on a line in (after_line, last_line], in
    page order. The sentences' lines are worked out once per page and searched by bisection:
    scanning every sentence for every section took 318 s on a hub of 20,000 matching sections."""
    found = page.cache.get("claims.sentence_lines")
    if found is None:
        lines = [page.blocks[s.block].position(s.start)[0] for s in page.sentences]
        in_order = all(a <= b for a, b in itertools.pairwise(lines))
        found = page.cache["claims.sentence_lines"] = (lines, in_order)
    lines, in_order = found
    if not in_order:  # pragma: no cover - the walker makes sentences in page order
        return [i for i, line in enumerate(lines) if after_line < line <= last_line]
    lo = bisect.bisect_right(lines, after_line)
    return range(lo, bisect.bisect_right(lines, last_line, lo))


def _registry_rules(engine: Engine, kinds: Iterable[str]) -> list[RegistryRule]:
    kinds = set(kinds)
    out: list[RegistryRule] = []
    if "claim" in kinds:
        out += [PackClaimRule(r) for r in engine.rules]
    if "figure" in kinds:
        out += [PackClaimRule(f) for f in engine.figure_rules]
    if "required" in kinds:
        by_code: dict[str, list[Requirement]] = {}
        for q in engine.requirements:
            by_code.setdefault(q.code, []).append(q)
        out += [RequiredClaimRule(code, reqs) for code, reqs in by_code.items()]
    return out


def register_builtin(kinds: Iterable[str]) -> None:
    """Register the built-in pack's rules of the given kinds ("claim", "figure", "required")."""
    for rule in _registry_rules(engine_for(None), kinds):
        add_rule(rule)
        _REGISTERED.add(rule.code)


def configure(config: Any) -> Engine:
    """Apply claims.builtin / claims.packs: validate packs (PackError) and (re)register their rules."""
    engine = engine_for(config)
    remove_rules(_REGISTERED)
    _REGISTERED.clear()
    for rule in _registry_rules(engine, ("claim", "figure", "required")):
        add_rule(rule)
        _REGISTERED.add(rule.code)
    _model_rule_follows_builtin(_pack_paths(config)[1])
    return engine


def _model_rule_follows_builtin(builtin: bool) -> None:
    """The statistical tier (GL490) was trained on the built-in pack's policy: without the built-in
    pack (claims.builtin = false) it is not a rule of the run."""
    from guidelint.registry import get_rule
    from guidelint.rules.gl490_claim_model import ClaimModel

    rule = get_rule(ClaimModel.code)
    if builtin and rule is None:
        add_rule(ClaimModel())
    elif not builtin and rule is not None:
        remove_rules({ClaimModel.code})
