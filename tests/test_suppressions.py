"""Inline suppressions: next-line, blocks, file-level; GL950-GL953 about the directives."""

import pytest

from guidelint.config import load_config
from guidelint.diagnostics import Span
from guidelint.registry import Rule, add_rule, remove_rules, selected_codes
from guidelint.testing import run_files

OLD = "---\ntitle: An old page\nlast_reviewed: 2019-01-15\n---\n"


def codes(diags):
    return sorted((d.code, d.line) for d in diags)


def test_next_line_suppresses_only_that_line():
    page = (
        "---\ntitle: An old page\nlast_reviewed: 2019-01-15\n---\n\n"
        "<!-- guidelint-disable-next-line GL950 -- testing -->\nText.\n"
    )
    diags = run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []))
    # GL501 is on line 3, not the line after the comment: not suppressed; GL950 cannot be suppressed
    assert ("GL501", 3) in codes(diags)
    assert any(d.code == "GL950" and "cannot be suppressed inline" in d.message for d in diags)


def test_file_level_suppression_silences_and_is_used():
    page = OLD + "\n<!-- guidelint-disable-file GL501 -- archived page, kept for old links -->\n"
    diags = run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []))
    assert codes(diags) == []


def test_prefix_in_file_level_suppression():
    page = OLD + "\n<!-- guidelint-disable-file GL5 -- archived page -->\n"
    assert run_files({"page.md": page}, selected_codes(["GL5", "GL95"], [])) == []


def test_unused_reported_only_when_rule_ran():
    page = "---\ntitle: A fresh page\nlast_reviewed: 2026-11-01\n---\n\n<!-- guidelint-disable-file GL501 -- why -->\n"
    ran = run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []))
    assert codes(ran) == [("GL950", 6)]
    assert "unused suppression" in ran[0].message and ran[0].fix  # standalone: removable
    not_ran = run_files({"page.md": page}, selected_codes(["GL1", "GL95"], []))
    assert [d for d in not_ran if d.code.startswith("GL95")] == []


def test_unused_respects_per_file_ignores():
    from guidelint.config import Config

    page = "---\ntitle: A fresh page\nlast_reviewed: 2026-11-01\n---\n\n<!-- guidelint-disable-file GL501 -- why -->\n"
    base = load_config(None)
    cfg = Config(
        root=base.root,
        source=None,
        values=dict(base.values, per_file_ignores={"page.md": ("GL501",)}),
    )
    assert run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []), config=cfg) == []


def test_partially_unused_entry():
    page = OLD + "\n<!-- guidelint-disable-file GL501, GL502 -- archived -->\n"
    diags = run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []))
    assert codes(diags) == [("GL950", 6)]
    assert diags[0].message.startswith("GL502 in this suppression matched nothing")
    assert not diags[0].fix


def test_reason_required_and_configurable():
    from guidelint.config import Config

    page = OLD + "\n<!-- guidelint-disable-file GL501 -->\n"
    diags = run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []))
    assert codes(diags) == [("GL952", 6)]  # still suppresses GL501
    base = load_config(None)
    cfg = Config(
        root=base.root,
        source=None,
        values=dict(base.values, suppressions={"require_reason": False}),
    )
    assert run_files({"page.md": page}, selected_codes(["GL5", "GL95"], []), config=cfg) == []


def test_unknown_and_malformed():
    page = (
        "# T\n\n<!-- guidelint-disable-next-line GL999 -- typo -->\nA\n\n"
        "<!-- guidelint-disabel GL101 -- typo -->\n\n<!-- guidelint-disable-next-line -- no codes -->\n\n"
        "<!-- guidelint-disable-next-line because -- x -->\n\n<!-- guidelint-enable GL101 -->\n"
    )
    diags = run_files({"page.md": page}, selected_codes(["GL95"], []))
    assert codes(diags) == [("GL951", 3), ("GL953", 6), ("GL953", 8), ("GL953", 10), ("GL953", 12)]


def test_comment_in_code_fence_is_not_a_directive():
    page = "# T\n\n```markdown\n<!-- guidelint-disable-next-line GL999 -->\n```\n"
    assert run_files({"page.md": page}, selected_codes(["GL95"], [])) == []


class _Flag(Rule):
    """Test rule: flags every line containing FLAG (page) or, for site scope, every FLAG link."""

    severity = __import__("guidelint.diagnostics", fromlist=["Severity"]).Severity.ERROR

    def check(self, page, ctx):
        for i, line in enumerate(page.lines, 1):
            if "FLAG" in line and "<!--" not in line:
                yield self.finding(Span.point(i, line.index("FLAG") + 1, 4), "flagged")


class _SiteFlag(Rule):
    def check_site(self, site, ctx):
        for s in site.pages:
            for link in s.links:
                if "flag" in link.target:
                    yield s.rel, self.finding(link.span, "site flagged")


@pytest.fixture
def flag_rules():
    page_rule = type("PageFlag", (_Flag,), {"code": "GL998", "name": "test-flag", "summary": "t"})()
    site_rule = type(
        "SiteFlag",
        (_SiteFlag,),
        {"code": "GL997", "name": "test-site-flag", "summary": "t", "scope": "site"},
    )()
    add_rule(page_rule)
    add_rule(site_rule)
    yield frozenset({"GL998", "GL997", "GL950", "GL951", "GL952", "GL953"})
    remove_rules(["GL998", "GL997"])


def test_blocks_next_line_and_site_rules(flag_rules):
    page = "\n".join(
        [
            "# T",  # 1
            "",  # 2
            "FLAG one",  # 3 reported
            "<!-- guidelint-disable-next-line GL998 -- quoted -->",  # 4
            "FLAG two",  # 5 suppressed
            "FLAG three",  # 6 reported
            "",  # 7
            "<!-- guidelint-disable GL998,GL997 -- a copied table -->",  # 8
            "",  # 9
            "FLAG four and [x](flag.md)",  # 10 both suppressed
            "",  # 11
            "<!-- guidelint-enable GL998 -->",  # 12
            "",  # 13
            "FLAG five and [y](flag.md)",  # 14 GL998 reported, GL997 still off
            "",  # 15
            "<!-- guidelint-enable -->",  # 16
            "",  # 17
            "[z](flag.md)",  # 18 GL997 reported
            "",
        ]
    )
    diags = run_files({"page.md": page, "flag.md": "# F\n"}, flag_rules, paths=["content/page.md"])
    assert codes(diags) == [("GL997", 18), ("GL998", 3), ("GL998", 6), ("GL998", 14)]


def test_unclosed_block_runs_to_end_and_is_reported(flag_rules):
    page = "# T\n\n<!-- guidelint-disable GL998 -- x -->\n\nFLAG\n\nFLAG again\n"
    diags = run_files({"page.md": page}, flag_rules)
    assert codes(diags) == [("GL953", 3)]
    assert "never closed" in diags[0].message


def test_cli_suppression_changes_exit_code(site, run_cli):
    root = site({"page.md": OLD + "\n# An old page\n"})
    code, out, _ = run_cli("check", "--select", "GL501,GL95")
    assert code == 1 and "GL501" in out
    (root / "content" / "page.md").write_text(
        OLD + "\n<!-- guidelint-disable-file GL501 -- archived page -->\n# An old page\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli("check", "--select", "GL501,GL95")
    assert code == 0, out


def _random_page(rng):
    """Directive comments and diagnostics of one made-up page: blocks opened and closed by code,
    by prefix and all at once (some never closed, some enables matching nothing), next-line and
    file directives, and findings of codes the entries do and do not name."""
    from guidelint.diagnostics import Diagnostic, Severity
    from guidelint.page import Comment

    tokens = ["GL401", "GL402", "GL4", "GL3", "GL", "GL302"]
    comments = []
    for _ in range(rng.randrange(30)):
        kind = rng.choice(
            ["disable", "disable", "enable", "enable", "disable-next-line", "disable-file"]
        )
        names = " ".join(rng.sample(tokens, rng.randrange(0 if kind == "enable" else 1, 3)))
        line = rng.randrange(1, 80)
        span = Span(line, rng.randrange(1, 4), line + rng.randrange(2), 30)
        comments.append(Comment(f" guidelint-{kind} {names} -- a reason ", span, True))
    codes = ["GL401", "GL402", "GL302", "GL950", "GL110", "GL4010"]
    diags = []
    for _ in range(rng.randrange(60)):
        line = rng.randrange(1, 85)
        end = line + (rng.randrange(3) if rng.random() < 0.3 else 0)
        code = rng.choice(codes)
        diags.append(Diagnostic("p.md", line, 1, end, 5, code, Severity.ERROR, "m"))
    diags.sort(key=lambda d: (d.line, d.code) if rng.random() < 0.8 else (0, ""))
    return comments, diags


def _plain_ends(comments):
    """Each disable entry's closing line (0: never closed), by scanning every open block at each
    enable: the computation _OpenBlocks replaces."""
    from guidelint.suppressions import parse

    ends, open_blocks = [], []
    for c in sorted(comments, key=lambda c: (c.span.line, c.span.column)):
        words = c.text.split(" -- ")[0].split()
        kind, names = words[0].removeprefix("guidelint-"), words[1:]
        if kind == "disable":
            for tok in names:
                ends.append([c.span.line, tok, 0])
                open_blocks.append(ends[-1])
        elif kind == "enable":
            closing = list(open_blocks) if not names else []
            for tok in names:
                match = [i for i, ob in enumerate(open_blocks) if ob[1] == tok]
                if match:
                    closing.append(open_blocks.pop(match[-1]))
            if not names:
                open_blocks.clear()
            for ob in closing:
                ob[2] = c.span.line
    got = [
        [d.first, e.token, e.end]
        for d in parse(comments, False).directives
        if d.kind == "disable"
        for e in d.entries
    ]
    return ends, got


def _plain_apply(diags, comments):
    """Every diagnostic compared with every directive (Directive.covers): what apply computes."""
    from guidelint.suppressions import META_CODES, parse

    parsed = parse(comments, False)
    kept = []
    for diag in diags:
        suppressed = False
        if diag.code not in META_CODES:
            for d in parsed.directives:
                for e in d.entries:
                    if diag.code.startswith(e.token) and d.covers(e, diag):
                        e.used = suppressed = True
        if not suppressed:
            kept.append(diag)
    used = [e.used for d in parsed.directives for e in d.entries]
    return kept, used, parsed.findings


def test_block_sweep_and_open_block_stacks_equal_the_plain_computation(monkeypatch):
    """apply's sweep over disable blocks (and parse's stack of open blocks per code) give the
    same kept diagnostics, the same used entries and the same findings as comparing everything
    with everything, on 1,000 generated pages."""
    import random

    from guidelint import suppressions
    from guidelint.suppressions import apply

    calls = []
    original = suppressions.parse

    def keep_parsed(comments, require_reason):
        calls.append(original(comments, require_reason))
        return calls[-1]

    monkeypatch.setattr(suppressions, "parse", keep_parsed)
    rng = random.Random(15)
    seen_used = seen_kept = 0
    ran = frozenset(["GL401", "GL402", "GL302", "GL110", "GL4010"])
    for _ in range(1_000):
        comments, diags = _random_page(rng)
        ends, got = _plain_ends(comments)
        assert got == ends
        kept, used, findings = _plain_apply(diags, comments)
        calls.clear()
        new_kept, new_findings = apply(diags, comments, require_reason=False, ran=ran)
        assert new_kept == kept
        (parsed,) = calls
        assert [e.used for d in parsed.directives for e in d.entries] == used
        assert new_findings[: len(findings)] == findings
        seen_used += sum(used)
        seen_kept += len(diags) - len(kept)
    assert seen_used > 500 and seen_kept > 500  # (the pages do suppress things)
