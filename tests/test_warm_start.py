"""What a run that analyses no page still does at start: the claim packs come from the pack cache
(guidelint.claims.packcache), authenticated like every cache file, and are parsed again whenever
their bytes change; --no-cache neither reads nor writes that cache; and the messages of a warm
report are escaped no differently than before."""

import builtins
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, subprocess_env, write_site

from guidelint import trust
from guidelint.claims import Engine
from guidelint.claims import packcache as pc
from guidelint.claims.pack import builtin_pack_paths, load_pack

BUILTIN = builtin_pack_paths()[0]
CODE = bytes(20)  # a digest of guidelint's source, for the unit tests

PACK = """\
pack: warm-test
rules:
  - code: XX461
    name: gadget-rule
    policy: P1
    severity: error
    summary: A gadget claim
    subjects: ["gadget*"]
    claims: ["{subject} (is|are) _ required"]
    message: WORDING-ONE
    suggestion: say it otherwise
    why: because
    examples: {ok: ["Gadgets are not required."], violation: ["Gadgets are required."]}
"""

PAGE = "---\ntitle: Gadgets\n---\n\n# Gadgets\n\nGadgets are required for this work.\n"


class Payload:
    """Unpickling this creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _matches(pack, sentences):
    engine = Engine([pack])
    return [[(m.code, m.start, m.end, m.message) for m in engine.check(s)] for s in sentences]


def _regexes(obj, seen=None) -> list:
    """Every patterns.Regex reachable from ``obj`` (a pack) through fields, lists and tuples."""
    import dataclasses

    from guidelint.claims.patterns import Regex

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, Regex):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [r for item in obj for r in _regexes(item, seen)]
    if dataclasses.is_dataclass(obj):
        return [r for f in dataclasses.fields(obj) for r in _regexes(getattr(obj, f.name), seen)]
    return []


def _sentences(pack):
    out = []
    for r in [*pack.rules, *pack.figures, *pack.required]:
        out += [*r.examples.ok, *r.examples.violation]
    return out


# ------------------------------------------------------------------ the pack cache itself
def test_a_cached_pack_matches_as_the_parsed_one_and_compiles_nothing(tmp_path):
    first = pc.PackCache(tmp_path / "packs", CODE)
    parsed = first.load(BUILTIN)
    assert (first.hits, first.misses, first.writes) == (0, 1, 1)
    again = pc.PackCache(tmp_path / "packs", CODE)
    cached = again.load(BUILTIN)
    assert (again.hits, again.misses, again.writes) == (1, 0, 0)
    assert cached is not parsed and cached.path == str(BUILTIN)
    # read back, none of its regular expressions is compiled: each is, when first used
    regexes = _regexes(cached)
    assert len(regexes) > 100 and not [r for r in regexes if r._compiled is not None]
    sentences = _sentences(load_pack(BUILTIN))
    assert len(sentences) > 40
    assert _matches(cached, sentences) == _matches(load_pack(BUILTIN), sentences)


def test_an_edited_pack_is_parsed_again(tmp_path):
    path = tmp_path / "warm.yaml"
    path.write_text(PACK, encoding="utf-8")
    store = pc.PackCache(tmp_path / "packs", CODE)
    assert store.load(path).rules[0].message == "WORDING-ONE"
    assert pc.PackCache(tmp_path / "packs", CODE).load(path).rules[0].message == "WORDING-ONE"
    path.write_text(PACK.replace("WORDING-ONE", "WORDING-TWO"), encoding="utf-8")
    store = pc.PackCache(tmp_path / "packs", CODE)
    assert store.load(path).rules[0].message == "WORDING-TWO" and store.misses == 1
    # another guidelint (its source digest differs) does not take this guidelint's entry
    other = pc.PackCache(tmp_path / "packs", bytes([1]) * 20)
    assert other.load(path).rules[0].message == "WORDING-TWO" and other.misses == 1


def _entry(store, path):
    return store.entry_path(str(path))


def test_a_tampered_or_planted_entry_is_a_miss_and_never_unpickled(tmp_path):
    path = tmp_path / "warm.yaml"
    path.write_text(PACK, encoding="utf-8")
    folder = tmp_path / "packs"
    pc.PackCache(folder, CODE).load(path)
    entry = _entry(pc.PackCache(folder, CODE), path)
    good = entry.read_bytes()

    def fresh_load():
        store = pc.PackCache(folder, CODE)
        pack = store.load(path)
        return store, pack

    # one flipped byte in the pickle
    entry.write_bytes(good[:-10] + bytes([good[-10] ^ 1]) + good[-9:])
    store, pack = fresh_load()
    assert store.misses == 1 and pack.rules[0].message == "WORDING-ONE"
    assert entry.read_bytes() == good or fresh_load()[0].hits == 1  # written again: a hit next

    # a pickle that runs code, bare or behind a tag made with another key
    marker = tmp_path / "PWNED"
    evil = pickle.dumps(Payload(marker))
    head = pc._digest(path.read_bytes()) + CODE
    label = pc.LABEL + str(path).encode()
    forged = pc.MAGIC + trust.tag(os.urandom(32), label, head + evil) + head + evil
    for planted in (evil, pc.MAGIC + evil, forged):
        entry.write_bytes(planted)
        store, pack = fresh_load()
        assert not marker.exists(), "a planted pack entry was unpickled"
        assert store.misses == 1 and pack.rules[0].message == "WORDING-ONE"

    # a genuine entry of another pack, moved into this pack's place (the tag names the path)
    other = tmp_path / "other.yaml"
    other.write_text(PACK.replace("WORDING-ONE", "OTHER-PACK"), encoding="utf-8")
    pc.PackCache(folder, CODE).load(other)
    entry.write_bytes(_entry(pc.PackCache(folder, CODE), other).read_bytes())
    store, pack = fresh_load()
    assert store.misses == 1 and pack.rules[0].message == "WORDING-ONE"

    # a FIFO or a symlink in the entry's place: a miss, not a hang or a read elsewhere
    entry.unlink()
    os.mkfifo(entry)
    store, pack = fresh_load()
    assert store.misses == 1 and pack.rules[0].message == "WORDING-ONE"
    entry.unlink()
    target = tmp_path / "elsewhere.pack"
    target.write_bytes(good)
    entry.symlink_to(target)
    store, pack = fresh_load()
    assert store.misses == 1


# ------------------------------------------------------------------ through the command line
def _pack_site(root: Path, extra: str = "") -> Path:
    (root / "policy").mkdir(parents=True, exist_ok=True)
    (root / "policy" / "warm.yaml").write_text(PACK, encoding="utf-8")
    return write_site(
        root,
        {"gadgets.md": PAGE},
        '[tool.guidelint.claims]\nbuiltin = false\npacks = ["policy/warm.yaml"]\n' + extra,
    )


def _pack_entries(root: Path) -> list[Path]:
    return sorted((root / ".guidelint_cache" / "v1" / "packs").glob("*.pack"))


def _messages(out: str) -> list[str]:
    """The messages of the pack's rule in a JSON report."""
    return [d["message"] for d in json.loads(out) if d["code"] == "XX461"]


def test_an_edit_to_a_pack_shows_on_the_next_warm_run(run_cli, tmp_path):
    root = _pack_site(tmp_path)
    cold = run_cli("check", "--format", "json", cwd=root)
    assert cold[0] == 1 and _messages(cold[1])[0].startswith("P1: WORDING-ONE")
    assert _pack_entries(root) == []  # the first run prepares the cache folder: no entry yet
    assert run_cli("check", "--format", "json", cwd=root)[:2] == cold[:2]
    assert len(_pack_entries(root)) == 1  # written by the second run, read by the ones after it
    assert run_cli("check", "--format", "json", cwd=root)[:2] == cold[:2]
    pack = root / "policy" / "warm.yaml"
    pack.write_text(PACK.replace("WORDING-ONE", "WORDING-TWO"), encoding="utf-8")
    edited = run_cli("check", "--format", "json", cwd=root)
    assert edited[0] == 1 and _messages(edited[1])[0].startswith("P1: WORDING-TWO")
    assert edited[1] == run_cli("check", "--no-cache", "--format", "json", cwd=root)[1]
    # an edit that breaks the pack is a configuration error at once, with file and line
    pack.write_text(PACK.replace("    policy: P1\n", "    policy: P1\n    colour: red\n"))
    broken = run_cli("check", cwd=root)
    assert broken[0] == 2 and "warm.yaml:6: unknown key" in broken[2] and "colour" in broken[2]


def _plant_valid_entry(root: Path) -> None:
    """Replace the pack's cache entry by a genuine one (this user's key) of an altered pack, so
    that which runs read the pack cache shows in their messages."""
    (entry,) = _pack_entries(root)
    path = root / "policy" / "warm.yaml"
    altered = load_pack(path, PACK.replace("WORDING-ONE", "FROM-THE-CACHE"))
    blob = entry.read_bytes()
    head_len = 2 * pc._DIGEST
    head = bytes(memoryview(blob)[len(pc.MAGIC) + trust.TAG_BYTES :][:head_len])
    label = pc.LABEL + str(path.resolve()).encode()
    entry.write_bytes(pc.MAGIC + trust.seal(label, head + pc.dumps(altered)))


def test_no_cache_neither_reads_nor_writes_the_pack_cache(run_cli, tmp_path):
    root = _pack_site(tmp_path)
    run_cli("check", cwd=root)
    run_cli("check", cwd=root)
    _plant_valid_entry(root)
    page = root / "content" / "gadgets.md"
    page.write_text(PAGE + "\nOne more line.\n", encoding="utf-8")  # analysed again
    read = run_cli("check", "--format", "json", cwd=root)
    assert _messages(read[1])[0].startswith("P1: FROM-THE-CACHE")  # the cache is read ...
    bypass = run_cli("check", "--no-cache", "--format", "json", cwd=root)
    assert _messages(bypass[1])[0].startswith("P1: WORDING-ONE")  # ... and --no-cache does not
    # nor does it write one
    for entry in _pack_entries(root):
        entry.unlink()
    run_cli("check", "--no-cache", cwd=root)
    assert _pack_entries(root) == []


def _set(root: Path, line: str) -> None:
    """Add ``line`` to the site's [tool.guidelint] table."""
    config = root / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[tool.guidelint]\n", f"[tool.guidelint]\n{line}\n"), "utf-8")


def test_cache_false_and_a_refused_key_mean_no_pack_cache(run_cli, tmp_path):
    root = _pack_site(tmp_path / "a")
    _set(root, "cache = false")
    for _ in range(3):
        assert run_cli("check", cwd=root)[0] == 1
    assert not (root / ".guidelint_cache").exists()
    # a key inside the content root is refused: the run says so once, and keeps no pack cache
    other = _pack_site(tmp_path / "b")
    key = other / "content" / "cache.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    for _ in range(3):
        code, _out, err = run_cli("check", cwd=other, env={"GUIDELINT_CACHE_KEY_FILE": str(key)})
        assert code == 1 and err.count("running without a cache") == 1
    assert _pack_entries(other) == []


def test_the_pack_cache_writes_only_where_a_run_prepared_a_cache(run_cli, tmp_path):
    # cache_dir names the content folder: refused (exit 2) before anything is written there
    root = _pack_site(tmp_path)
    _set(root, 'cache_dir = "content"')
    for _ in range(2):
        code, _out, err = run_cli("check", cwd=root)
        assert code == 2 and "cache_dir" in err
    assert sorted(p.name for p in (root / "content").iterdir()) == ["gadgets.md"]


def test_a_warm_run_neither_parses_nor_compiles_a_pack(tmp_path):
    """In a new interpreter (the tests' own process has the built-in pack loaded already): the
    third run of an unchanged site imports no YAML parser, parses no pack and compiles none of
    the pack's regular expressions; its report equals a --no-cache run's."""
    gen = __import__("conftest").gen_site()
    gen.Site(30, 7).write(tmp_path)
    probe = (
        "import sys, runpy\n"
        "import guidelint.claims.pack as pack\n"
        "calls = []\n"
        "real = pack.parse_pack\n"
        "pack.parse_pack = lambda *a: calls.append(1) or real(*a)\n"
        "sys.argv = ['guidelint', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('guidelint', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "import gc\n"
        "from guidelint.claims.patterns import Regex\n"
        "compiled = sum(1 for o in gc.get_objects() if type(o) is Regex and o._compiled)\n"
        "print('PROBE', len(calls), 'yaml' in sys.modules, compiled, code, file=sys.stderr)\n"
    )

    def run(*args):
        proc = subprocess.run(
            [sys.executable, "-c", probe, "check", "--format", "json", *args],
            cwd=tmp_path,
            capture_output=True,
            env=subprocess_env(PYTHONPATH=str(REPO)),
            timeout=120,
        )
        line = [ln for ln in proc.stderr.decode().splitlines() if ln.startswith("PROBE")]
        assert line, proc.stderr.decode()[-2000:]
        return line[0].split()[1:], proc.stdout

    cold, report = run()
    assert cold[0] == "1" and cold[1] == "True"  # parsed (and YAML imported: page front matter)
    run()  # writes the pack cache
    warm, again = run()
    assert warm == ["0", "False", "0", "1"], warm
    assert again == report == run("--no-cache")[1]


# ------------------------------------------------------------------ messages of a warm report
def test_printable_messages_need_no_escaping():
    from guidelint.diagnostics import INVISIBLE, escape_message

    # escape_message returns a printable message as it is: that is right only if every character
    # it escapes is one that str.isprintable() refuses, in this Python's Unicode
    escaped = [i for i in range(sys.maxunicode + 1) if INVISIBLE.fullmatch(chr(i))]
    assert len(escaped) > 300
    assert not [hex(i) for i in escaped if chr(i).isprintable()]
    quoted = "P1: a claim (\u201cmust be certified\u201d) caf\u00e9 \u00bd \u4e2d"
    assert escape_message(quoted) is quoted
    assert escape_message("a\u00a0b\u2009c") == "a\u00a0b\u2009c"  # not printable, not invisible
    assert escape_message("x\u200by \u201cq\u201d") == "x\\u200by \u201cq\u201d"


@pytest.fixture(autouse=True)
def _no_stray_pack_cache():
    """The unit tests above use their own folders; none may use the pack cache of a real run."""
    from guidelint.claims import integration

    before = list(integration._STORE)
    yield
    assert before == integration._STORE
