"""Loading and validating claims rule packs (YAML), with file and line in every error."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.saferegex import unsafe_reason

from .patterns import Compiled, Compiler, PatternError, Regex

if TYPE_CHECKING:  # pragma: no cover
    import yaml  # imported when a pack is read: a run served by the pack cache never needs it

SEVERITIES = ("error", "warning", "info")
_CODE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_POLICY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


class PackError(Exception):
    """A claims pack is invalid: a configuration error (the CLI exits with code 2)."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        loc = self.path or "<pack>"
        if line:
            loc += f":{line}"
        super().__init__(f"{loc}: {message}")


# --- YAML with line numbers ------------------------------------------------------------------


class _L:
    line: int = 0


class LDict(dict, _L):
    key_lines: dict


class LList(list, _L):
    item_lines: list


class LStr(str, _L):
    pass


def _located(node: yaml.Node, path: str, loader: Any = None) -> Any:
    import yaml

    if loader is None:
        loader = yaml.SafeLoader("")
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        d = LDict()
        d.line = line
        d.key_lines = {}
        for k, v in node.value:
            key = _located(k, path, loader)
            if not isinstance(key, str):
                raise PackError(
                    f"mapping keys must be strings, got {key!r}", path, k.start_mark.line + 1
                )
            if key in d:
                raise PackError(f"duplicate key {key!r}", path, k.start_mark.line + 1)
            d[str(key)] = _located(v, path, loader)
            d.key_lines[str(key)] = k.start_mark.line + 1
        return d
    if isinstance(node, yaml.SequenceNode):
        lst = LList(_located(v, path, loader) for v in node.value)
        lst.line = line
        lst.item_lines = [v.start_mark.line + 1 for v in node.value]
        return lst
    value = loader.construct_object(node)
    if isinstance(value, str):
        s = LStr(value)
        s.line = line
        return s
    return value


def load_yaml(path: str | Path, text: str | None = None) -> Any:
    import yaml

    path = str(path)
    try:
        if text is None:
            text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"cannot read pack: {exc.strerror or exc}", path) from None
    try:
        try:
            # libyaml when available (10x faster); on any error the pure-Python loader runs again,
            # so that messages and line numbers are always the same
            node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PackError(
            f"invalid YAML: {exc.problem or exc}", path, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover
        raise PackError(f"invalid YAML: {exc}", path) from None
    if node is None:
        raise PackError("the pack is empty", path, 1)
    return _located(node, path)


def _line(obj: Any, default: int | None = None) -> int | None:
    return getattr(obj, "line", default) or default


# --- the pack model --------------------------------------------------------------------------


@dataclass
class Examples:
    ok: list[str]
    violation: list[str]


@dataclass
class ClaimRule:
    """One claim rule: a subject + claim that the policy forbids, unless negated or hedged."""

    code: str
    name: str
    policy: str
    severity: str
    summary: str
    message: str
    suggestion: str
    why: str
    claims: list[Compiled]
    subjects: list[Compiled] = field(default_factory=list)
    # Presupposition triggers: claims that also count inside a question ("which certification do
    # you need", "licensed medical assistants"): a question does not assert its words, but it
    # takes what these phrases presuppose for granted. They are also in ``claims``.
    presuppositions: list[Compiled] = field(default_factory=list)
    # Codes this rule gives way to: when one of them matches the sentence, this rule reports
    # nothing there (a general rule backing up a more specific one).
    defers_to: tuple[str, ...] = ()
    subject_sources: list[str] = field(default_factory=list)
    exceptions: list[Compiled] = field(default_factory=list)
    hedges: Regex | None = None
    aggravators: Regex | None = None
    examples: Examples = field(default_factory=lambda: Examples([], []))
    negatable: bool = True
    hedgeable: bool = True
    questions: bool = False
    rejectable: bool = True
    actor_check: bool = False
    pack: str = ""
    path: str = ""
    line: int = 0
    kind: str = "claim"


@dataclass
class FigureRule:
    """Pay/outlook figures must be attributed (source and period)."""

    code: str
    name: str
    policy: str
    severity: str
    summary: str
    message: str
    suggestion: str
    why: str
    figures: Regex
    context: Regex
    sources: Regex
    periods: Regex
    examples: Examples = field(default_factory=lambda: Examples([], []))
    pack: str = ""
    path: str = ""
    line: int = 0
    kind: str = "figure"


@dataclass
class AppliesTo:
    type: str | None = None
    slug: re.Pattern[str] | None = None
    section: re.Pattern[str] | None = None

    def matches(self, page_type: str | None, slug: str | None) -> bool:
        if self.type is not None and self.type != page_type:
            return False
        return not (self.slug is not None and not (slug and self.slug.search(slug)))


@dataclass
class Requirement:
    """A claim a page (or one of its sections) must make, in hedged form."""

    code: str
    name: str
    policy: str
    severity: str
    summary: str
    message: str
    suggestion: str
    why: str
    applies_to: list[AppliesTo]
    any: list[Compiled]
    all: list[list[Compiled]]
    examples: Examples = field(default_factory=lambda: Examples([], []))
    pack: str = ""
    path: str = ""
    line: int = 0
    kind: str = "required"


@dataclass
class Cues:
    """Generic cue lists (pack-wide): hedges, aggravators, rejections, actors."""

    hedges: Regex | None = None
    aggravators: Regex | None = None
    reject_before: Regex | None = None
    reject_after: Regex | None = None
    negations: Regex | None = None
    self_actors: Regex | None = None
    other_actors: Regex | None = None


@dataclass
class Pack:
    name: str
    path: str
    version: int
    description: str
    rules: list[ClaimRule]
    figures: list[FigureRule]
    required: list[Requirement]
    cues: Cues


# --- validation ------------------------------------------------------------------------------

_TOP = {
    "pack",
    "version",
    "description",
    "terms",
    "cues",
    "actors",
    "rules",
    "figures",
    "required_claims",
}
_CUES = {"hedges", "aggravators", "rejections_before", "rejections_after", "negations"}
_RULE_REQ = {
    "code",
    "name",
    "policy",
    "severity",
    "summary",
    "claims",
    "message",
    "suggestion",
    "why",
    "examples",
}
_RULE_OPT = {
    "subjects",
    "presuppositions",
    "defers_to",
    "exceptions",
    "hedges",
    "aggravators",
    "negatable",
    "hedgeable",
    "questions",
    "rejectable",
    "actor_check",
}
_FIG_REQ = {
    "code",
    "name",
    "policy",
    "severity",
    "summary",
    "figures",
    "context",
    "sources",
    "periods",
    "message",
    "suggestion",
    "why",
    "examples",
}
_REQ_REQ = {
    "code",
    "name",
    "policy",
    "severity",
    "summary",
    "applies_to",
    "message",
    "suggestion",
    "why",
}
_REQ_OPT = {"any", "all", "examples"}


class _Validator:
    def __init__(self, path: str, data: Any):
        self.path = path
        self.data = data

    def err(self, msg: str, node: Any = None, line: int | None = None):
        raise PackError(msg, self.path, line or _line(node))

    def mapping(self, node: Any, what: str, required: set[str], optional: set[str]) -> LDict:
        if not isinstance(node, dict):
            self.err(f"{what} must be a mapping", node)
        for k in node:
            if k not in required and k not in optional:
                allowed = ", ".join(sorted(required | optional))
                self.err(
                    f"unknown key {k!r} in {what} (allowed: {allowed})",
                    line=node.key_lines.get(k, node.line),
                )
        for k in sorted(required):
            if k not in node:
                self.err(f"{what} is missing required key {k!r}", node)
        return node

    def string(
        self, node: LDict, key: str, what: str, rx: re.Pattern[str] | None = None, hint: str = ""
    ) -> str:
        v = node.get(key)
        line = node.key_lines.get(key, node.line)
        if not isinstance(v, str) or not v.strip():
            self.err(f"{what}.{key} must be a non-empty string", line=line)
        if rx is not None and not rx.match(str(v)):  # (a str: err raised otherwise)
            self.err(f"{what}.{key} {v!r} is not valid{hint}", line=line)
        return str(v)

    def boolean(self, node: LDict, key: str, what: str, default: bool) -> bool:
        if key not in node:
            return default
        v = node[key]
        if not isinstance(v, bool):
            self.err(f"{what}.{key} must be true or false", line=node.key_lines.get(key))
        return v

    def str_list(self, node: Any, what: str, allow_empty: bool = False) -> LList:
        if not isinstance(node, list) or (not node and not allow_empty):
            self.err(f"{what} must be a {'' if allow_empty else 'non-empty '}list of strings", node)
        for item, line in zip(node, node.item_lines):
            if not isinstance(item, str) or not item.strip():
                self.err(f"{what}: every item must be a non-empty string", line=line)
        return node


def _compile_list(
    v: _Validator,
    comp: Compiler,
    items: LList,
    what: str,
    subject: list[str] | None = None,
    *,
    named: bool = True,
    literals: bool = True,
) -> list[Compiled]:
    out = []
    for item, line in zip(items, items.item_lines):
        try:
            out.append(comp.compile(str(item), subject=subject, named=named, literals=literals))
        except PatternError as exc:
            v.err(f"{what}: {exc}", line=line)
    return out


def _alternation(v: _Validator, comp: Compiler, items: Any, what: str) -> Regex | None:
    if items is None:
        return None
    v.str_list(items, what, allow_empty=True)
    return comp.alternation(_compile_list(v, comp, items, what, named=False))


def _examples(v: _Validator, node: LDict, what: str, required: bool = True) -> Examples:
    if "examples" not in node:
        return Examples([], [])
    ex = v.mapping(
        node["examples"],
        f"{what}.examples",
        {"ok", "violation"} if required else set(),
        {"ok", "violation"},
    )
    ok = [
        str(s)
        for s in v.str_list(ex.get("ok", LList()), f"{what}.examples.ok", allow_empty=not required)
    ]
    bad = [
        str(s)
        for s in v.str_list(
            ex.get("violation", LList()), f"{what}.examples.violation", allow_empty=not required
        )
    ]
    return Examples(ok, bad)


def parse_pack(data: Any, path: str) -> Pack:
    v = _Validator(path, data)
    top = v.mapping(data, "the pack", {"pack", "rules"}, _TOP - {"pack", "rules"})
    name = v.string(top, "pack", "pack", _NAME, " (use kebab-case)")
    version = top.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        v.err("version must be an integer", line=top.key_lines.get("version"))
    description = str(top.get("description", ""))

    terms_node = top.get("terms", LDict())
    if not isinstance(terms_node, dict):
        v.err("terms must be a mapping of name to a list of patterns", terms_node)
    terms: dict[str, list[str]] = {}
    for k, items in terms_node.items():
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", k) or k == "subject":
            v.err(
                f"term list name {k!r} must be lower-case (and not 'subject')",
                line=terms_node.key_lines.get(k),
            )
        v.str_list(items, f"terms.{k}")
        terms[k] = [str(i) for i in items]
    comp = Compiler(terms)
    # compile every term list once, so a bad term is reported at its own line
    for k, items in terms_node.items():
        _compile_list(v, comp, items, f"terms.{k}", named=False, literals=False)

    cues_node = top.get("cues", LDict())
    v.mapping(cues_node, "cues", set(), _CUES)
    actors_node = top.get("actors", LDict())
    v.mapping(actors_node, "actors", set(), {"self", "other"})
    cues = Cues(
        hedges=_alternation(v, comp, cues_node.get("hedges"), "cues.hedges"),
        aggravators=_alternation(v, comp, cues_node.get("aggravators"), "cues.aggravators"),
        reject_before=_alternation(
            v, comp, cues_node.get("rejections_before"), "cues.rejections_before"
        ),
        reject_after=_alternation(
            v, comp, cues_node.get("rejections_after"), "cues.rejections_after"
        ),
        negations=_alternation(v, comp, cues_node.get("negations"), "cues.negations"),
        self_actors=_alternation(v, comp, actors_node.get("self"), "actors.self"),
        other_actors=_alternation(v, comp, actors_node.get("other"), "actors.other"),
    )

    codes: dict[str, int] = {}

    def claim_code(node: LDict, what: str) -> str:
        code = v.string(node, "code", what, _CODE, " (e.g. GL401)")
        return code

    rules: list[ClaimRule] = []
    rules_node = top["rules"]
    if not isinstance(rules_node, list):
        v.err("rules must be a list", rules_node)
    for idx, rn in enumerate(rules_node):
        what = f"rules[{idx}]"
        v.mapping(rn, what, _RULE_REQ, _RULE_OPT)
        code = claim_code(rn, what)
        if code in codes:
            v.err(
                f"duplicate rule code {code} (first defined at line {codes[code]})",
                line=rn.key_lines["code"],
            )
        codes[code] = rn.line
        what = f"rule {code}"
        subj_src = None
        subjects: list[Compiled] = []
        if "subjects" in rn:
            v.str_list(rn["subjects"], f"{what}.subjects")
            subj_src = [str(s) for s in rn["subjects"]]
            subjects = _compile_list(v, comp, rn["subjects"], f"{what}.subjects", literals=False)
        claims = _compile_list(
            v, comp, v.str_list(rn["claims"], f"{what}.claims"), f"{what}.claims", subj_src
        )
        presuppositions = []
        if "presuppositions" in rn:
            presuppositions = _compile_list(
                v,
                comp,
                v.str_list(rn["presuppositions"], f"{what}.presuppositions"),
                f"{what}.presuppositions",
                subj_src,
            )
            claims = claims + presuppositions
        exceptions = []
        if "exceptions" in rn:
            v.str_list(rn["exceptions"], f"{what}.exceptions")
            exceptions = _compile_list(
                v, comp, rn["exceptions"], f"{what}.exceptions", subj_src, literals=False
            )
        sev = v.string(rn, "severity", what)
        if sev not in SEVERITIES:
            v.err(
                f"{what}.severity must be one of {', '.join(SEVERITIES)}",
                line=rn.key_lines["severity"],
            )
        ex = _examples(v, rn, what)
        rules.append(
            ClaimRule(
                code=code,
                name=v.string(rn, "name", what, _NAME, " (use kebab-case)"),
                policy=v.string(rn, "policy", what, _POLICY),
                severity=sev,
                summary=v.string(rn, "summary", what),
                message=v.string(rn, "message", what),
                suggestion=v.string(rn, "suggestion", what),
                why=v.string(rn, "why", what),
                claims=claims,
                subjects=subjects,
                presuppositions=presuppositions,
                defers_to=tuple(str(c) for c in v.str_list(rn["defers_to"], f"{what}.defers_to"))
                if "defers_to" in rn
                else (),
                subject_sources=subj_src or [],
                exceptions=exceptions,
                hedges=_alternation(v, comp, rn.get("hedges"), f"{what}.hedges"),
                aggravators=_alternation(v, comp, rn.get("aggravators"), f"{what}.aggravators"),
                examples=ex,
                negatable=v.boolean(rn, "negatable", what, True),
                hedgeable=v.boolean(rn, "hedgeable", what, True),
                questions=v.boolean(rn, "questions", what, False),
                rejectable=v.boolean(rn, "rejectable", what, True),
                actor_check=v.boolean(rn, "actor_check", what, False),
                pack=name,
                path=path,
                line=rn.line,
            )
        )

    figures: list[FigureRule] = []
    fig_node = top.get("figures")
    if fig_node is not None:
        if not isinstance(fig_node, list):
            v.err("figures must be a list of figure rules", fig_node)
        for idx, fn in enumerate(fig_node):
            what = f"figures[{idx}]"
            v.mapping(fn, what, _FIG_REQ, set())
            code = claim_code(fn, what)
            if code in codes:
                v.err(
                    f"duplicate rule code {code} (first defined at line {codes[code]})",
                    line=fn.key_lines["code"],
                )
            codes[code] = fn.line
            what = f"figure rule {code}"
            sev = v.string(fn, "severity", what)
            if sev not in SEVERITIES:
                v.err(
                    f"{what}.severity must be one of {', '.join(SEVERITIES)}",
                    line=fn.key_lines["severity"],
                )
            alts: dict[str, Regex] = {}
            for key in ("figures", "context", "sources", "periods"):
                v.str_list(fn[key], f"{what}.{key}")
                alt = _alternation(v, comp, fn[key], f"{what}.{key}")
                assert alt is not None  # a non-empty list (checked above) joins into one regex
                alts[key] = alt
            figures.append(
                FigureRule(
                    code=code,
                    name=v.string(fn, "name", what, _NAME, " (use kebab-case)"),
                    policy=v.string(fn, "policy", what, _POLICY),
                    severity=sev,
                    summary=v.string(fn, "summary", what),
                    message=v.string(fn, "message", what),
                    suggestion=v.string(fn, "suggestion", what),
                    why=v.string(fn, "why", what),
                    examples=_examples(v, fn, what),
                    pack=name,
                    path=path,
                    line=fn.line,
                    figures=alts["figures"],
                    context=alts["context"],
                    sources=alts["sources"],
                    periods=alts["periods"],
                )
            )

    required: list[Requirement] = []
    req_node = top.get("required_claims")
    if req_node is not None:
        if not isinstance(req_node, list):
            v.err("required_claims must be a list", req_node)
        for idx, qn in enumerate(req_node):
            what = f"required_claims[{idx}]"
            v.mapping(qn, what, _REQ_REQ, _REQ_OPT)
            code = claim_code(qn, what)
            if code in codes and codes[code] != -1:
                v.err(f"code {code} is already used by a claim rule", line=qn.key_lines["code"])
            codes.setdefault(code, -1)
            what = f"required claim {v.string(qn, 'name', what, _NAME, ' (use kebab-case)')}"
            sev = v.string(qn, "severity", what)
            if sev not in SEVERITIES:
                v.err(
                    f"{what}.severity must be one of {', '.join(SEVERITIES)}",
                    line=qn.key_lines["severity"],
                )
            applies = []
            at = qn["applies_to"]
            if not isinstance(at, list) or not at:
                v.err(f"{what}.applies_to must be a non-empty list", at)
            for a in at:
                v.mapping(a, f"{what}.applies_to item", set(), {"type", "slug", "section"})
                if not a:
                    v.err(f"{what}.applies_to item must name a type, slug or section", a)
                item = AppliesTo()
                if "type" in a:
                    item.type = v.string(a, "type", f"{what}.applies_to")
                for key in ("slug", "section"):
                    if key in a:
                        src = v.string(a, key, f"{what}.applies_to")
                        slow = unsafe_reason(src, re.IGNORECASE)
                        if slow:
                            v.err(
                                f"{what}.applies_to.{key}: regular expression {src!r} could run "
                                f"for minutes: {slow}",
                                line=a.key_lines[key],
                            )
                        try:
                            setattr(item, key, re.compile(src, re.IGNORECASE))
                        except re.error as exc:
                            v.err(
                                f"{what}.applies_to.{key}: bad regular expression: {exc}",
                                line=a.key_lines[key],
                            )
                applies.append(item)
            any_ = (
                _compile_list(v, comp, v.str_list(qn["any"], f"{what}.any"), f"{what}.any")
                if "any" in qn
                else []
            )
            all_: list[list[Compiled]] = []
            if "all" in qn:
                if not isinstance(qn["all"], list) or not qn["all"]:
                    v.err(f"{what}.all must be a non-empty list of pattern lists", qn["all"])
                for group in qn["all"]:
                    all_.append(
                        _compile_list(v, comp, v.str_list(group, f"{what}.all item"), f"{what}.all")
                    )
            if not any_ and not all_:
                v.err(f"{what} needs 'any' or 'all' patterns", qn)
            required.append(
                Requirement(
                    code=code,
                    name=v.string(qn, "name", what, _NAME),
                    policy=v.string(qn, "policy", what, _POLICY),
                    severity=sev,
                    summary=v.string(qn, "summary", what),
                    message=v.string(qn, "message", what),
                    suggestion=v.string(qn, "suggestion", what),
                    why=v.string(qn, "why", what),
                    applies_to=applies,
                    any=any_,
                    all=all_,
                    examples=_examples(v, qn, what, required=False),
                    pack=name,
                    path=path,
                    line=qn.line,
                )
            )

    return Pack(
        name=name,
        path=path,
        version=version,
        description=description,
        rules=rules,
        figures=figures,
        required=required,
        cues=cues,
    )


def load_pack(path: str | Path, text: str | None = None) -> Pack:
    """Load and validate one pack; raises PackError with file and line on any problem."""
    path = str(path)
    return parse_pack(load_yaml(path, text), path)


BUILTIN_DIR = Path(__file__).resolve().parent.parent / "packs"


@functools.cache
def _builtin_pack_paths() -> tuple[Path, ...]:
    return tuple(sorted(BUILTIN_DIR.glob("*.yaml")))


def builtin_pack_paths() -> list[Path]:
    """The packs shipped in guidelint/packs/ (listed once per process: the engine asks per page)."""
    return list(_builtin_pack_paths())
