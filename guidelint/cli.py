"""The command line: ``guidelint check``, ``rules``, ``rule CODE`` and friends.

Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage or configuration
error. The exit code never depends on ``--format``.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from guidelint import __version__
from guidelint.config import SEVERITIES, Config, ConfigError, load_config
from guidelint.diagnostics import Severity
from guidelint.registry import all_rules, get_rule, selected_codes

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Diagnostic
    from guidelint.discovery import FileItem
    from guidelint.runner import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(click.UsageError):
    exit_code = EXIT_USAGE


def _split_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip().upper() for v in value.split(",") if v.strip())
    return tuple(out)


def _check_selectors(codes: tuple[str, ...], option: str) -> None:
    known = [r.code for r in all_rules()]
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise UsageError(
                f"{option} {code}: no rule has this code or prefix (see 'guidelint rules')"
            )


def load(config_path: str | None, *, use_cache: bool = False) -> Config:
    """The configuration with its claim packs; a configuration error is a usage error (exit 2).
    ``use_cache``: packs may be read as parsed before (``guidelint.claims.packcache``)."""
    from guidelint.loading import load as load_configured

    try:
        return load_configured(config_path, use_cache=use_cache)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


class _BrokenOutput(Exception):
    """A write to standard output failed with EPIPE (its reader is gone: ``guidelint check | head``).
    click catches that OSError itself and exits 1, the code for findings, with no word; raised as
    this instead, it reaches :func:`main`, which says so and exits 2 as for any other lost
    output (/dev/full, a closed standard output)."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE and exc.filename is None:
                raise _BrokenOutput(exc) from None
            raise


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="guidelint")
def cli() -> None:
    """guidelint: a content linter for guide sites whose readers make real decisions."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file "
    "(default: guidelint.toml or pyproject.toml [tool.guidelint], searched upward).",
)
@click.option(
    "--select",
    multiple=True,
    help="Only these rule codes or prefixes (GL4, GL401); comma-separated.",
)
@click.option(
    "--extend-select", multiple=True, help="Add these codes or prefixes to the selection."
)
@click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes; comma-separated.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif", "junit", "html"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--stdin-filename", help="With PATH '-': the page's path, for messages and link resolution."
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Lowest severity that makes the exit code 1 (default from config: warning).",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when there are findings (2 still means a usage error).",
)
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule code.")
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file instead of standard output.",
)
@click.option("--today", help="Check review dates as if today were this date (YYYY-MM-DD).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text output (default: on a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes for page analysis; 0 = one per core (default from config: 0).",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the result cache (cache_dir)."
)
@click.option(
    "--check-external",
    is_flag=True,
    help="Also request http(s) links and front-matter URLs (GL310): opt-in, bounded, cached.",
)
@click.option(
    "--allow-private-hosts",
    is_flag=True,
    help="With --check-external, also request loopback, private and link-local addresses "
    "(refused by default).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe, mechanical fixes ([fix] in 'guidelint rules'), then report what is left.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes as a unified diff without writing; the exit code is "
    "as if nothing were fixed.",
)
def check(**params: Any) -> NoReturn:
    """Check pages (default: the configured content root, content/).

    \b
    Examples:
      guidelint check
      guidelint check content/certification.md --format json
      cat page.md | guidelint check - --stdin-filename content/page.md
    """
    options = CheckOptions.from_command_line(CheckArgs(**params))
    report, failing_before = _check_run(options)
    if report.stats.get("outside_root"):
        click.echo(
            f"note: {report.stats['outside_root']} file(s) are outside the content root "
            f"'{options.config['content_root']}': only page checks ran on them (links, anchors, "
            "orphans and hub order need the site); run guidelint from that site's folder or pass "
            "--config",
            err=True,
        )
    if options.diff:  # the diff is the output; the exit code is as if nothing were fixed
        sys.exit(_exit_code(options, failing_before))
    _write_report(options, report)
    sys.exit(_exit_code(options, report.diagnostics))


@dataclass(frozen=True, eq=False)  # never compared: no __eq__ built at import
class CheckArgs:
    """The options of ``guidelint check`` as click parsed them (one field per option)."""

    paths: tuple[str, ...]
    config_path: str | None
    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    fmt: str
    stdin_filename: str | None
    fail_on: str | None
    exit_zero: bool
    statistics: bool
    output_file: str | None
    today: str | None
    color: bool | None
    jobs: int | None
    no_cache: bool
    check_external: bool
    allow_private_hosts: bool
    fix: bool
    diff: bool


@dataclass(frozen=True, eq=False)  # never compared: no __eq__ built at import
class CheckOptions:
    """What ``guidelint check`` runs: the command line resolved against the configuration once."""

    config: Config  # with --today, --check-external and --allow-private-hosts applied
    selected: frozenset[str]  # the rule codes that run
    paths: list[str]  # the files and folders to report on (empty: the whole site)
    stdin: FileItem | None  # the page read from standard input ('-')
    fmt: str
    fail_on: Severity  # the lowest severity that makes the exit code 1
    exit_zero: bool
    statistics: bool
    output_file: str | None
    color: bool | None  # None: on a terminal, unless NO_COLOR is set
    jobs: int | None  # None: the configuration's
    use_cache: bool | None  # None: the configuration's
    fix: bool
    diff: bool

    @classmethod
    def from_command_line(cls, args: CheckArgs) -> CheckOptions:
        """Load the configuration and apply ``args``; read standard input for '-'. Raises
        UsageError (exit code 2) for a bad configuration or a combination of options that
        cannot work."""
        from guidelint.runner import FileItem, display_path, rel_path

        config = load(args.config_path, use_cache=not args.no_cache)
        if args.today:
            try:
                config = config.with_today(dt.date.fromisoformat(args.today))
            except ValueError:
                raise UsageError(f"--today {args.today!r}: write the date as YYYY-MM-DD") from None
        if args.check_external:
            config = config.with_overrides(links={"check_external": True})
        if args.allow_private_hosts:
            config = config.with_overrides(links={"external_allow_private": True})
        sel = _split_codes(args.select) or config["select"]
        ext = _split_codes(args.extend_select) + config["extend_select"]
        ign = _split_codes(args.ignore) + config["ignore"]
        for codes, option in ((sel, "--select"), (ext, "--extend-select"), (ign, "--ignore")):
            _check_selectors(codes, option)
        selected = selected_codes(sel, ign, ext)

        if args.output_file:
            _check_output_file(args.output_file, config, list(args.paths))
        stdin_item = None
        path_list = list(args.paths)
        stdin_filename = args.stdin_filename
        if "-" in path_list:
            if len(path_list) > 1:
                raise UsageError("'-' (standard input) cannot be combined with other paths")
            data = sys.stdin.buffer.read()
            display = stdin_filename or "-"
            rel = rel_path(Path(stdin_filename), config.content_root) if stdin_filename else None
            if stdin_filename:
                display = display_path(Path(stdin_filename))
            stdin_item = FileItem(None, display, rel, data)
            path_list = []
            if not stdin_filename:
                click.echo(
                    "note: reading '-' without --stdin-filename: the page has no place in the "
                    "site, so its links, anchors and orphans are not checked; pass "
                    "--stdin-filename PATH",
                    err=True,
                )
        elif stdin_filename:
            raise UsageError("--stdin-filename needs the path '-'")
        if (args.fix or args.diff) and stdin_item is not None:
            raise UsageError("--fix and --diff work on files, not on standard input")
        return cls(
            config=config,
            selected=selected,
            paths=path_list,
            stdin=stdin_item,
            fmt=args.fmt,
            fail_on=Severity(args.fail_on or config["fail_on"]),
            exit_zero=args.exit_zero,
            statistics=args.statistics,
            output_file=args.output_file,
            color=args.color,
            jobs=args.jobs,
            use_cache=False if args.no_cache else None,
            fix=args.fix,
            diff=args.diff,
        )


def _check_run(options: CheckOptions) -> tuple[Report, list[Diagnostic]]:
    """(the report to write, the diagnostics before any fix) of the check ``options`` ask for;
    with --fix the files are fixed first, with --diff the diff is printed."""
    from guidelint.parallel import make_analyzer
    from guidelint.progress import Progress, wanted
    from guidelint.runner import run

    config, selected, paths = options.config, options.selected, options.paths
    try:
        analyzer = make_analyzer(options.jobs, config, use_cache=options.use_cache)
        with Progress(wanted(options.fmt)) as progress:
            if options.fix or options.diff:
                from guidelint.fixes import run_fixes

                report, diff_text, failing_before = run_fixes(
                    paths, config, selected, progress.wrap(analyzer), write=not options.diff
                )
                if options.diff:
                    click.echo(diff_text, nl=False)
                elif options.fmt == "html":  # the report of what is left, with the site described
                    report = run(paths, config, selected, analyzer=analyzer, site_data=True)
            else:
                report = run(
                    paths,
                    config,
                    selected,
                    stdin=options.stdin,
                    analyzer=progress.wrap(analyzer),
                    site_data=options.fmt == "html",
                )
                failing_before = report.diagnostics
        report.stats.update(analyzer.stats)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:  # click would print "Aborted!" and exit 1, the code for findings
        click.echo("guidelint: interrupted", err=True)
        sys.exit(130)
    return report, failing_before


def _write_report(options: CheckOptions, report: Report) -> None:
    """Write the report in the format asked for, to standard output or --output-file."""
    from guidelint.formatters import FormatContext, iter_format

    fmt, output_file, color = options.fmt, options.output_file, options.color
    if color is None:
        color = (
            output_file is None
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb"
        )
    fctx = FormatContext(
        color=bool(color) and fmt == "text", statistics=options.statistics, known=report.sources
    )
    stdin_item = options.stdin
    if stdin_item is not None and stdin_item.data is not None:
        fctx.stdin_text[stdin_item.display] = stdin_item.data.decode("utf-8", errors="replace")
    chunks = iter_format(fmt, report, fctx)  # written piece by piece: never held whole
    if chunks is None:
        raise UsageError(f"--format {fmt} is not available in this installation")
    if options.statistics and fmt != "text":
        from guidelint.formatters.text import statistics_table

        click.echo(statistics_table(report), err=True)
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8") as fh:
                for chunk in chunks:
                    fh.write(chunk)
        except OSError as exc:
            raise UsageError(f"--output-file {output_file}: {exc.strerror or exc}") from None
    else:
        for chunk in chunks:  # click would strip colour from a pipe even with --color
            click.echo(chunk, nl=False, color=fctx.color)


def _exit_code(options: CheckOptions, diagnostics: list[Diagnostic]) -> int:
    threshold = options.fail_on.rank
    failing = any(d.severity.rank >= threshold for d in diagnostics)
    return EXIT_FINDINGS if failing and not options.exit_zero else EXIT_CLEAN


def _check_output_file(output_file: str, config: Config, paths: list[str]) -> None:
    """Refuse an --output-file that would overwrite or add a page: inside the content root, one
    of the files checked, or a page file in a folder checked."""
    target = Path(output_file).resolve()
    root = config.content_root
    why = None
    if target == root or root in target.parents:
        why = f"is inside the content root '{config['content_root']}'"
    for raw in paths:
        if why is not None or raw == "-":
            break
        p = Path(raw).resolve()
        if target == p:
            why = "is one of the files being checked"
        elif (
            p.is_dir() and p in target.parents and target.name.endswith(tuple(config["extensions"]))
        ):
            why = f"would be a page in '{raw}', a folder being checked"
    if why is not None:
        raise UsageError(
            f"--output-file {output_file} {why}: the report would overwrite or add a page; "
            "write it outside the content root (for example -o report.txt)"
        )


@cli.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "docs"]),
    default="text",
    show_default=True,
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (for rule packs).",
)
def rules_cmd(fmt: str, config_path: str | None) -> None:
    """List every rule: code, name, default severity, summary.

    \b
    Examples:
      guidelint rules
      guidelint rules --format markdown   # the README's rule table
      guidelint rules --format docs > docs/rules.md   # every rule's documentation
    """
    load(config_path)
    rules = all_rules()
    if fmt == "docs":
        from guidelint.formatters.html_report import rules_markdown

        click.echo(rules_markdown(rules), nl=False)
        return
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity.value,
                        "summary": r.summary,
                        "fixable": r.fixable,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return
    if fmt == "markdown":
        click.echo("| code | name | severity | fix | summary |\n|---|---|---|---|---|")
        for r in rules:
            click.echo(
                f"| {r.code} | {r.name} | {r.severity.value} | {'yes' if r.fixable else ''} | {r.summary} |"
            )
        return
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = " [fix]" if r.fixable else ""
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{fix}")


@cli.command("lsp")
def lsp_cmd() -> None:
    """Run the language server on standard input and output (for editors; needs the 'lsp' extra).

    \b
    Example (what an editor runs):
      guidelint lsp
    """
    try:
        from guidelint.lsp.server import main as serve
    except ImportError as exc:
        click.echo(
            f"guidelint lsp needs pygls and lsprotocol ({exc}); "
            "install them with: pip install 'guidelint[lsp]'",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    import gc

    gc.enable()  # a long-running server: main() turned the cycle collector off for one run
    serve()


@cli.command("rule")
@click.argument("code")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (for rule packs).",
)
def rule_cmd(code: str, config_path: str | None) -> None:
    """Print a rule's full documentation, with its examples.

    \b
    Example:
      guidelint rule GL101
    """
    load(config_path)
    rule = get_rule(code)
    if rule is None:
        raise UsageError(f"no rule {code.upper()}; 'guidelint rules' lists them")
    click.echo(
        f"{rule.code} {rule.name}  ({rule.severity.value}{', fixable' if rule.fixable else ''})\n"
    )
    click.echo(rule.doc.rstrip() + "\n")
    if rule.emitted_by:
        click.echo(f"Emitted by: {rule.emitted_by}.\n")


@cli.command("summary")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Files to list."
)
@click.option("--title", default="guidelint", show_default=True, help="The summary's heading.")
@click.option(
    "--github-output",
    "github_output",
    type=click.Path(dir_okay=False),
    help="Also append findings=N, errors=N, warnings=N, infos=N, files=N to this file "
    "(GitHub's $GITHUB_OUTPUT).",
)
def summary_cmd(report: str, top: int, title: str, github_output: str | None) -> None:
    """Summarize a JSON report as Markdown: counts by code and the files with the most findings.

    \b
    Examples:
      guidelint check --format json -o report.json
      guidelint summary report.json >> "$GITHUB_STEP_SUMMARY"
    """
    import contextlib

    from guidelint.summary import SummaryError, counts, load_report, markdown

    with contextlib.suppress(UsageError):  # rule names of configured claim packs, if any
        load(None)
    try:
        diagnostics = load_report(report)
    except SummaryError as exc:
        raise UsageError(str(exc)) from None
    if github_output:
        try:
            with open(github_output, "a", encoding="utf-8") as fh:
                for key, value in counts(diagnostics).items():
                    fh.write(f"{key}={value}\n")
        except OSError as exc:
            raise UsageError(f"--github-output {github_output}: {exc.strerror or exc}") from None
    click.echo(markdown(diagnostics, top=top, title=title), nl=False)


@cli.command("init")
@click.argument("path", default=".", type=click.Path(file_okay=False))
@click.option("--no-check", is_flag=True, help="Write the configuration but do not run a check.")
def init_cmd(path: str, no_check: bool) -> None:
    """Adopt guidelint on an existing site: detect its generator, write guidelint.toml and draft
    page-type schemas (never over existing files), then run a first check.

    \b
    Examples:
      guidelint init
      guidelint init path/to/site --no-check
    """
    from guidelint.adopt import InitError, detect, infer_types, write
    from guidelint.rules import gl106_no_front_matter as no_front_matter

    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{path}: no such folder")
    root = root.resolve()
    plan = detect(root)
    read, missing = infer_types(plan)
    if read and missing > 0.2 * read:
        plan.ignore.append(no_front_matter.CODE)
        plan.why(
            f"ignore {no_front_matter.CODE}: {missing} of {read} pages have no front matter, which "
            f"{plan.generator} allows"
        )
    if not (root / plan.content_root).is_dir():
        raise UsageError(
            f"the {plan.generator} configuration names the content folder "
            f"'{plan.content_root}', which does not exist; nothing was written"
        )
    try:
        written = write(plan)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    click.echo(f"guidelint init: {read} pages read below {plan.content_root}/")
    for reason in plan.reasons:
        click.echo(f"  - {reason}")
    by_glob = {page_type: globs for globs, page_type in plan.types}
    for page_type, schema in plan.schemas.items():
        required = ", ".join(schema.get("required", [])) or "none"
        where = (
            f"for {', '.join(by_glob[page_type])}"
            if page_type in by_glob
            else "for pages whose front matter says type: " + page_type
        )
        click.echo(
            f"  - page type {page_type} {where}: "
            f"{len(schema['properties']) - 2} front-matter keys seen, required: {required}"
        )
    for file in written:
        click.echo(f"wrote {file.relative_to(root).as_posix()}")
    if no_check:
        return
    from guidelint.formatters.text import statistics_table
    from guidelint.parallel import make_analyzer
    from guidelint.runner import run

    try:
        config = load_config(root / "guidelint.toml")
        here = os.getcwd()
        os.chdir(root)
        try:
            report = run(
                [],
                config,
                selected_codes(config["select"], config["ignore"]),
                analyzer=make_analyzer(None, config),
            )
        finally:
            os.chdir(here)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    n = len(report.diagnostics)
    click.echo(f"\nFirst check: {n} finding(s) in {report.files_checked} files, by code:")
    if n:
        click.echo(statistics_table(report))
    click.echo("Run `guidelint check` in that folder to see each finding.")


@cli.command("new")
@click.argument("page_type", metavar="TYPE")
@click.argument("slug")
@click.option("--title", help="The page title (default: made from the slug).")
@click.option("--force", is_flag=True, help="Overwrite an existing page.")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file."
)
def new_cmd(
    page_type: str, slug: str, title: str | None, force: bool, config_path: str | None
) -> None:
    """Create content/SLUG.md for a page TYPE, ready to pass the front-matter and structure checks.

    \b
    Examples:
      guidelint new guide externships --title "Medical assistant externships"
      guidelint new state states/oregon
    """
    from guidelint.scaffold import ScaffoldError, create
    from guidelint.schema import SchemaError, load_schemas

    config = load(config_path)
    try:
        path = create(config, load_schemas(config.schemas_dir), page_type, slug, title, force=force)
    except (ScaffoldError, SchemaError) as exc:
        raise UsageError(str(exc)) from None
    from guidelint.runner import display_path

    click.echo(
        f"Created {display_path(path)} ({page_type}, status: draft). Replace every TODO, then run: "
        f"guidelint check {display_path(path)}"
    )


@cli.command("eval-claims")
@click.argument("datasets", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--errors/--no-errors",
    default=True,
    show_default=True,
    help="List the sentences the engine got wrong (text format).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (for rule packs).",
)
def eval_claims(datasets: tuple[str, ...], fmt: str, errors: bool, config_path: str | None) -> None:
    """Measure the claims engine on labeled sentence sets: precision, recall and F1 per policy and
    overall, next to a keyword-only baseline on the same rows, and on real-text rows the opt-in
    statistical tier (alone, on the rows the rules leave, and combined with the rules;
    cross-validated by page on the rows it was trained on). Several sets: one report each, then
    a summary line per set.

    \b
    Examples:
      guidelint eval-claims tests/claims/devset.yaml
      guidelint eval-claims tests/claims/real/dev.yaml tests/claims/real/heldout.yaml --no-errors
    """
    load(config_path)
    import yaml

    from guidelint.claims import evaluate, format_report, format_summary
    from guidelint.claims.pack import PackError

    results = []
    for dataset in datasets:
        try:
            results.append(evaluate(dataset))
        except (PackError, ValueError, OSError, yaml.YAMLError) as exc:
            raise UsageError(f"{dataset}: {exc}") from None
    if fmt == "json":
        out = results[0] if len(results) == 1 else results
        click.echo(json.dumps(out, indent=2))
        return
    click.echo("\n\n".join(format_report(r, errors=errors) for r in results))
    if len(results) > 1:
        click.echo("\n" + format_summary(results))


# The command runs with the cycle collector off in this process. Analysing a page creates no
# reference cycle (tests/test_gc.py keeps that true), and a run builds large, acyclic data (the
# site snapshot, every page's summary, tens of thousands of diagnostics) that the collector
# would walk again and again for nothing: with the default thresholds that was a quarter of a
# warm 10,000-page run, and with raised ones still half a second of a run whose site rules ran
# again. (The site index and its link resolver refer to each other; runner breaks that cycle.)
# Worker processes collect with raised thresholds (pool.WORKER_GC_THRESHOLDS), a safety net
# for the thousands of pages each may analyse.


class _ClosedStdout:
    """Standard output when the process was started with it closed (``>&-``): every write fails as
    a write to a closed descriptor would, so that the report is never silently lost."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, _text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class _PipeWriter(io.RawIOBase):
    """Standard output when it is a pipe, written at most PIPE_BUF (4,096) bytes at a time. A
    longer write to a pipe whose reader leaves while it waits is cut short, and Python's buffered
    writer then drops the rest with no error: ``guidelint rules --format docs | head -1`` exited
    0 with most of its output lost. A write of at most PIPE_BUF bytes is all or nothing, so the
    reader's leaving is an EPIPE error on the write itself."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return os.write(self._fd, bytes(memoryview(data)[:_PIPE_BUF]))

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False


_PIPE_BUF = 4096  # POSIX's least PIPE_BUF: writes up to it are atomic on every system


def _pipe_safe_stdout() -> None:
    """Write standard output through :class:`_PipeWriter` when it is a pipe."""
    import stat

    out = sys.stdout
    try:
        fd = out.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
        out.flush()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_PipeWriter(fd), _PIPE_BUF),
        encoding=out.encoding,
        errors=out.errors,
    )


def _output_failed(exc: OSError) -> NoReturn:
    """The report could not be written (a full disk, /dev/full, a closed or broken stdout): say so
    in one line and exit 2, never 1 (findings) or 0 with the report lost."""
    reason = exc.strerror or str(exc)
    try:
        sys.stderr.write(f"guidelint: cannot write the output: {reason}\n")
        sys.stderr.flush()
    except (OSError, AttributeError):
        pass
    try:  # the interpreter flushes stdout again on exit: let that go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    except OSError:
        pass
    sys.exit(EXIT_USAGE)


def main() -> None:
    import gc

    gc.disable()
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    elif sys.argv[1:2] != ["lsp"]:  # (the language server reads and writes its own streams)
        _pipe_safe_stdout()
    try:
        try:
            cli(prog_name="guidelint")
        finally:
            # a full disk shows only when the last buffered bytes go out (a command that closed
            # its own output, as the language server does at exit, has nothing left to flush)
            if not getattr(sys.stdout, "closed", False):
                sys.stdout.flush()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("guidelint: interrupted", err=True)
        sys.exit(130)
    except _BrokenOutput as exc:
        _output_failed(exc.args[0])
    except OSError as exc:
        if exc.filename is None and exc.errno in (
            errno.ENOSPC,
            errno.EBADF,
            errno.EIO,
            errno.EPIPE,
        ):
            _output_failed(exc)
        raise
