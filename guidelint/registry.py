"""The rule registry: one place that knows every rule.

It feeds ``guidelint rules``, ``guidelint rule CODE``, rule selection, SARIF rule metadata and
the README's rule table, so none of them can list a rule that does not exist.

A rule is a class registered with ``@register``. Its docstring is its documentation: what it
checks, why, and examples in fenced blocks whose info string is ``markdown pass`` or
``markdown fail``. Examples are executed as tests (tests/test_rule_docs.py). A block may hold
several files, each introduced by a line ``=== path/to/page.md ===``; otherwise it is ``page.md``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from guidelint.diagnostics import Severity, Span
from guidelint.finding import Finding

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Page
    from guidelint.site import SiteIndex


class Rule:
    """Base class. Subclasses set the class attributes and override one check method."""

    # set on the class by a rule module, on the instance by rules built from data (claim packs)
    code: str
    name: str
    summary: str
    severity: Severity = Severity.ERROR
    scope: ClassVar[str] = "page"  # "page" | "site" | "input"
    fixable: ClassVar[bool] = False
    # A site rule's reach, for whole-site runs after an edit (guidelint.snapshot):
    # "links": a page's findings depend only on its own links and related entries, what they
    #   reach (pages, anchors, files) and the set of pages, the configuration and the disk; so
    #   after an edit only the edited pages and the pages linking to them are checked again;
    # "graph": the findings depend on the whole link graph, through the pages' edges and the
    #   facts a snapshot.StoredSummary holds; checked again for every page, from stored edges;
    # None (unknown, e.g. a plugin's rule): every edit runs the site rules on the whole site.
    locality: ClassVar[str | None] = None
    # codes whose finding on the same span this rule's finding replaces when it carries a fix
    # (one problem, one finding: the one that --fix can correct)
    supersedes: ClassVar[tuple[str, ...]] = ()
    # for a rule whose findings are made by a stage before any Page exists (reading, decoding,
    # front matter, limits, suppressions): where, "module.function (when)"; shown by `rule CODE`
    emitted_by: ClassVar[str | None] = None
    doc_override: str | None = None  # rules generated from data (claim packs) set their docs here
    # an opt-in rule runs only when a select or extend-select entry names its full code
    # ("GL490"); prefixes ("GL4") and "ALL" leave it out
    opt_in: ClassVar[bool] = False

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        return ()

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        """Yield (page rel path, finding) pairs."""
        return ()

    # ------------------------------------------------------------ helpers
    def finding(self, span: Span, message: str, fix=(), code: str | None = None) -> Finding:
        return Finding(code or self.code, span, message, fix if type(fix) is tuple else tuple(fix))

    @property
    def doc(self) -> str:
        if self.doc_override is not None:
            return self.doc_override
        return inspect.cleandoc(type(self).__doc__ or self.summary)

    def examples(self) -> list[Example]:
        return parse_examples(self.doc)


@dataclass
class PageContext:
    config: Any
    schemas: Any
    selected: frozenset[str]


@dataclass
class SiteContext:
    config: Any
    schemas: Any
    selected: frozenset[str]
    report_rels: frozenset[str] | None  # pages findings are reported for (None: all)


@dataclass(frozen=True)
class Example:
    verdict: str  # "pass" | "fail"
    files: dict[
        str, str | bytes
    ]  # bytes for examples written with escapes (```markdown fail escaped)


_FENCE = re.compile(
    r"^```markdown[ \t]+(pass|fail)([ \t]+escaped)?[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M
)
_FILE = re.compile(r"^=== (\S+) ===[ \t]*$", re.M)


def parse_examples(doc: str) -> list[Example]:
    out = []
    for m in _FENCE.finditer(doc):
        body = textwrap.dedent(m.group(3))
        parts = _FILE.split(body)
        files: dict[str, str | bytes] = {}
        if len(parts) == 1:
            files["page.md"] = body
        else:
            if parts[0].strip():
                files["page.md"] = parts[0]
            for name, text in zip(parts[1::2], parts[2::2]):
                files[name] = text.lstrip("\n")
        if m.group(2):
            import codecs

            files = {
                k: codecs.escape_decode(v.encode("utf-8") if isinstance(v, str) else v)[0]
                for k, v in files.items()
            }
        out.append(Example(m.group(1), files))
    return out


_RULES: dict[str, Rule] = {}
_LOADED = False


def register(cls: type[Rule]) -> type[Rule]:
    rule = cls()
    if rule.code in _RULES and type(_RULES[rule.code]) is not cls:
        raise RuntimeError(f"rule code {rule.code} registered twice")
    _RULES[rule.code] = rule
    return cls


def add_rule(rule: Rule) -> None:
    """Register a rule instance made from data (a claim pack rule)."""
    _RULES[rule.code] = rule


def remove_rules(codes: Iterable[str]) -> None:
    for code in codes:
        _RULES.pop(code, None)


def load_builtin_rules() -> None:
    global _LOADED
    if _LOADED:
        return
    import guidelint.rules as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_") and info.name != "base":
            importlib.import_module(f"guidelint.rules.{info.name}")
    _LOADED = True


def all_rules() -> list[Rule]:
    load_builtin_rules()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule | None:
    load_builtin_rules()
    return _RULES.get(code.upper())


def matches(code: str, patterns: Iterable[str]) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in patterns)


def selected_codes(
    select: Iterable[str], ignore: Iterable[str], extend_select: Iterable[str] = ()
) -> frozenset[str]:
    """Codes enabled by select/ignore prefixes. The longest matching prefix wins (like Ruff).
    An opt-in rule is enabled only by its full code."""
    select = tuple(select) or ("ALL",)
    chosen = set()
    for rule in all_rules():
        best_sel = max(
            (
                len(p) if p != "ALL" else 0
                for p in (*select, *extend_select)
                if (p == rule.code) or (not rule.opt_in and (p == "ALL" or rule.code.startswith(p)))
            ),
            default=-1,
        )
        best_ign = max(
            (len(p) if p != "ALL" else 0 for p in ignore if p == "ALL" or rule.code.startswith(p)),
            default=-1,
        )
        if best_sel >= 0 and best_sel > best_ign:
            chosen.add(rule.code)
    return frozenset(chosen)


def iter_rules(scope: str, selected: frozenset[str]) -> Iterator[Rule]:
    for rule in all_rules():
        if rule.scope == scope and rule.code in selected:
            yield rule
