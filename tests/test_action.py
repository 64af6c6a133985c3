"""The GitHub Action (action.yml) and this repository's workflow.

Both validate against SchemaStore's published schemas (vendored in tests/schemas). Every ``run:``
script of the action is taken from action.yml and executed with bash as the runner does
(``bash --noprofile --norc -eo pipefail``), in a temporary git repository, with the variables
GitHub sets (GITHUB_WORKSPACE, GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
RUNNER_TEMP, RUNNER_OS) and each step's ``env:`` resolved from the inputs and earlier steps'
outputs. Steps that ``uses:`` another action (setup-python, cache, upload-sarif) are GitHub's
and are not run here. The install step runs real pip, offline: into a fresh virtual
environment that sees this one's packages (hatchling builds the package).
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "tests" / "schemas"
ACTION = REPO / "action.yml"
WORKFLOW = REPO / ".github" / "workflows" / "guidelint.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Yaml12Loader(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans (``on:`` stays a key)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def load_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)


def validator(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


# ------------------------------------------------------------------ schemas
def test_vendored_schemas_are_the_published_files():
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    for name in ("github-action.json", "github-workflow.json"):
        digest = hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest()
        assert f"`{name}`" in readme and digest in readme, name
    assert "Apache License" in (SCHEMAS / "LICENSE-SchemaStore").read_text(encoding="utf-8")


def test_action_metadata_is_valid():
    action = load_yaml(ACTION)
    errors = sorted(validator("github-action.json").iter_errors(action), key=str)
    assert not errors, [e.message for e in errors]
    assert action["runs"]["using"] == "composite"
    for name in ("paths", "version", "fail-on", "select", "ignore", "args", "sarif"):
        assert name in action["inputs"], name
    assert "findings" in action["outputs"]


def test_the_schema_catches_a_broken_action():
    """The validation above is real: a composite run step without a shell is rejected, and so
    is an unknown key."""
    action = load_yaml(ACTION)
    check = validator("github-action.json")
    broken = json.loads(json.dumps(action))
    broken["runs"]["steps"][1].pop("shell")
    assert list(check.iter_errors(broken))
    broken = json.loads(json.dumps(action))
    broken["inputs"]["paths"]["typo"] = "x"
    assert list(check.iter_errors(broken))


def test_workflow_is_valid_and_read_only():
    workflow = load_yaml(WORKFLOW)
    errors = sorted(validator("github-workflow.json").iter_errors(workflow), key=str)
    assert not errors, [e.message for e in errors]
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses") == "./" for s in steps)  # the site check runs this action
    assert any(s.get("run") == "bash .ci/run" for s in steps)  # and the tests, as CI does
    for job in workflow["jobs"].values():
        assert "permissions" not in job  # no job asks for more


def test_inputs_reach_scripts_only_through_the_environment():
    action = load_yaml(ACTION)
    ids = []
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")  # no expression inside a script
            assert step["shell"] == "bash"
        for value in (step.get("env") or {}).values():
            for expr in EXPRESSION.findall(str(value)):
                kind, _, rest = expr.partition(".")
                if kind == "inputs":
                    assert rest in action["inputs"], expr
                else:
                    step_id, _, output = rest.partition(".outputs.")
                    assert kind == "steps" and step_id in ids and output, expr
        if "id" in step:
            ids.append(step["id"])


# ------------------------------------------------------------------ running the scripts
class Runner:
    """Runs the action's run steps as GitHub would, in order, skipping the uses steps."""

    def __init__(self, tmp: Path, workspace: Path, path_dirs: list[Path], extra_env=None):
        self.action = load_yaml(ACTION)
        self.tmp = tmp
        self.workspace = workspace
        self.temp = tmp / "runner-temp"
        self.temp.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.pathsep.join([*map(str, path_dirs), os.environ.get("PATH", "")]),
            "HOME": str(tmp / "home"),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(REPO),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GUIDELINT_TODAY": "2026-11-25",
            "PIP_NO_INDEX": "1",  # offline: only what is installed already
            "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling for "build with what is installed"
            **(extra_env or {}),
        }
        (tmp / "home").mkdir(parents=True, exist_ok=True)
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = ""
        self.results: list[tuple[str, subprocess.CompletedProcess]] = []

    def resolve(self, value, inputs: dict) -> str:
        def one(m):
            kind, _, rest = m.group(1).partition(".")
            if kind == "inputs":
                return inputs.get(rest, self.action["inputs"][rest].get("default", ""))
            step_id, _, output = rest.partition(".outputs.")
            return self.outputs.get(step_id, {}).get(output, "")

        return EXPRESSION.sub(one, str(value))

    def run(self, inputs: dict, *, only: list[str] | None = None) -> None:
        failed = False
        for i, step in enumerate(self.action["runs"]["steps"]):
            if "run" not in step:
                continue
            name = step.get("id") or step.get("name")
            if only is not None and name not in only:
                continue
            condition = step.get("if")
            assert condition in (None, "always()"), condition
            if failed and condition != "always()":
                continue
            out_file = self.temp / f"output-{i}"
            summary_file = self.temp / f"summary-{i}"
            out_file.write_text("")
            summary_file.write_text("")
            script = self.temp / f"step-{i}.sh"
            script.write_text(step["run"], encoding="utf-8")
            env = dict(self.env, GITHUB_OUTPUT=str(out_file), GITHUB_STEP_SUMMARY=str(summary_file))
            env.update({k: self.resolve(v, inputs) for k, v in (step.get("env") or {}).items()})
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            self.results.append((name, proc))
            if "id" in step:
                self.outputs[step["id"]] = dict(
                    line.split("=", 1) for line in out_file.read_text().splitlines() if line
                )
            self.summary += summary_file.read_text(encoding="utf-8")
            failed = failed or proc.returncode != 0

    def result(self, name: str) -> subprocess.CompletedProcess:
        return next(proc for step, proc in self.results if step == name)


@pytest.fixture(scope="module")
def action_python(tmp_path_factory) -> Path:
    """A fresh virtual environment, as setup-python gives the action: it sees this
    environment's packages (click, PyYAML, hatchling...) but has no guidelint of its own."""
    root = tmp_path_factory.mktemp("action-venv")
    venv = root / "venv"
    # without its own pip: the outer pip (seen through the .pth file) installs into this prefix
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300
    )
    purelib = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "outer-site.pth").write_text(here + "\n", encoding="utf-8")
    return venv / "bin"


def git_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "pyproject.toml").write_text(
        f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n',
        encoding="utf-8",
    )
    for name, text in files.items():
        target = path / "content" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    subprocess.run([*git, "-C", str(path), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(path), "commit", "-qm", "site"], check=True)
    return path


OLD = "---\ntitle: An old page\nlast_reviewed: 2019-01-15\n---\n\n# An old page\n"
CLAIM = (
    "---\ntitle: Salary guide\nstatus: published\nlast_reviewed: 2026-11-01\n---\n\n"
    "# Salary guide\n\n"
    "You must be certified to work as a medical assistant.\n"
)


def test_action_scripts_in_a_git_repository(tmp_path, action_python):
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD, "sub/claim.md": CLAIM})
    runner = Runner(tmp_path, workspace, [action_python, Path(sys.executable).parent])
    runner.run({"select": "GL4,GL5", "sarif": "true"})

    install = runner.result("install")
    assert install.returncode == 0, install.stderr
    installed = subprocess.run(
        [str(action_python / "python"), "-c", "import guidelint; print(guidelint.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(action_python.parent) in installed  # the action's checkout, installed there
    version = runner.outputs["key"]["version"]
    assert (
        version
        == subprocess.run(
            [sys.executable, "-m", "guidelint", "--version"], capture_output=True, text=True
        ).stdout.split()[-1]
    )
    key = runner.outputs["key"]["cache-key"]
    assert key.startswith(f"guidelint-Linux-{version}-") and len(key.rsplit("-", 1)[1]) == 16

    check = runner.result("check")
    assert check.returncode == 0, check.stderr  # the exit code is kept for the last step
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert sorted(a.split(",")[0] for a in annotations) == [
        "::error file=content/sub/claim.md",
        "::warning file=content/old.md",
    ]
    outputs = runner.outputs["check"]
    assert outputs["exit-code"] == "1"
    report = json.loads(Path(outputs["report"]).read_text(encoding="utf-8"))
    assert sorted(d["code"] for d in report) == ["GL401", "GL501"]
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["GL501", "GL401"]
    assert Path(outputs["report"]).parent == runner.temp

    assert runner.outputs["summary"] == {
        "findings": "2",
        "errors": "1",
        "warnings": "1",
        "infos": "0",
        "files": "2",
    }
    assert runner.summary.startswith("## guidelint: 2 problems (1 error, 1 warning) in 2 files\n")
    assert "| GL401 | certification-required | error | 1 |" in runner.summary
    assert "| GL501 | review-overdue | warning | 1 |" in runner.summary
    assert "| content/sub/claim.md | 1 | 0 | 0 | 1 |" in runner.summary

    result = runner.result("Result")
    assert result.returncode == 1  # the findings fail the job, after the summary
    # the cache folder the cache steps save is the one guidelint wrote
    assert (workspace / runner.action["inputs"]["cache-dir"]["default"]).is_dir()


def test_fail_on_paths_and_a_clean_run(tmp_path, action_python):
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD, "sub/claim.md": CLAIM})
    runner = Runner(tmp_path, workspace, [action_python, Path(sys.executable).parent])
    # the old page alone, failing on errors only: its warning is annotated but passes
    runner.run(
        {"paths": "content/old.md", "fail-on": "error", "select": "GL5"},
        only=["check", "summary", "Result"],
    )
    assert runner.outputs["check"]["exit-code"] == "0"
    assert "sarif-file" not in runner.outputs["check"]
    assert runner.outputs["summary"]["findings"] == "1"
    assert runner.result("Result").returncode == 0
    # ignore everything the pages have: a clean summary and no annotation
    clean = Runner(tmp_path / "again", workspace, [action_python, Path(sys.executable).parent])
    clean.run(
        {"select": "GL4,GL5", "ignore": "GL401, GL501", "args": "--no-cache"},
        only=["check", "summary", "Result"],
    )
    assert clean.result("check").stdout.strip() == ""
    assert clean.outputs["summary"]["findings"] == "0"
    assert clean.summary == "## guidelint: no problems found\n"


def test_hostile_inputs_stay_values(tmp_path, action_python):
    """Shell syntax in an input is passed to guidelint as text: nothing runs."""
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD})
    runner = Runner(tmp_path, workspace, [action_python, Path(sys.executable).parent])
    runner.run(
        {
            "paths": "content/old.md $(touch pwned1) `touch pwned2`",
            "args": "; touch pwned3 && echo",
            "select": "GL5'; touch pwned4; echo '",
        },
        only=["check", "summary", "Result"],
    )
    assert not list(workspace.glob("pwned*")) and not list(tmp_path.glob("pwned*"))
    assert runner.outputs["check"]["exit-code"] == "2"  # a usage error, reported as such
    assert "report" not in runner.outputs["check"]
    assert "could not check the site (exit code 2)" in runner.summary
    assert runner.result("Result").returncode == 2


def test_install_asks_pip_for_the_version_input(tmp_path, action_python):
    """With a version, the install step asks pip for exactly guidelint==VERSION (offline here,
    so pip finds none and says which requirement it looked for)."""
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD})
    runner = Runner(
        tmp_path,
        workspace,
        [action_python, Path(sys.executable).parent],
        {"PIP_FIND_LINKS": str(tmp_path)},
    )
    runner.run({"version": "9.9.9"}, only=["install"])
    proc = runner.result("install")
    assert proc.returncode != 0
    assert "guidelint==9.9.9" in proc.stderr


def test_cache_key_follows_the_configuration(tmp_path, action_python):
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD})
    keys = []
    for n in range(3):
        if n == 2:
            with (workspace / "pyproject.toml").open("a", encoding="utf-8") as fh:
                fh.write("review_max_age_days = 30\n")
        runner = Runner(
            tmp_path / f"run{n}", workspace, [action_python, Path(sys.executable).parent]
        )
        runner.run({}, only=["key"])
        assert runner.result("key").returncode == 0
        keys.append(runner.outputs["key"]["cache-key"])
    assert keys[0] == keys[1] != keys[2]


def test_paths_on_several_lines(tmp_path, action_python):
    """A YAML block of paths (one per line) checks exactly those pages."""
    workspace = git_repo(tmp_path / "repo", {"old.md": OLD, "sub/claim.md": CLAIM, "x.md": OLD})
    runner = Runner(tmp_path, workspace, [action_python, Path(sys.executable).parent])
    runner.run(
        {"paths": "content/old.md\n  content/sub/claim.md\n", "select": "GL401,GL501"},
        only=["check", "summary"],
    )
    report = json.loads(Path(runner.outputs["check"]["report"]).read_text(encoding="utf-8"))
    assert sorted((d["path"], d["code"]) for d in report) == [
        ("content/old.md", "GL501"),
        ("content/sub/claim.md", "GL401"),
    ]
    assert runner.outputs["summary"]["files"] == "2"
