"""GL520 reading-grade: the optional Flesch-Kincaid ceiling per page type (textstat extra)."""

import json

import pytest

from guidelint import readability

DENSE = (
    "Prospective practitioners contemplating credentialing considerations should systematically "
    "investigate jurisdictional delegation regulations and institutional accreditation "
    "documentation before financially committing to educational programming."
)
PLAIN = "Check your state's rules first. Ask the school which exam it prepares you for."


def _page(page_type, paragraphs):
    body = "\n\n".join(paragraphs)
    return f"---\ntype: {page_type}\n---\n\n# A page\n\n{body}\n"


def _gl520(run_cli, root):
    code, out, err = run_cli(
        "check", "--no-cache", "--format", "json", "--select", "GL520", cwd=root
    )
    assert "Traceback" not in err, err
    return code, [d for d in json.loads(out or "[]") if d["code"] == "GL520"], err


CONFIG = "[tool.guidelint.readability]\nmax_grade = {{ guide = {grade} }}\nmin_words = 20\n"


def test_grade_of_plain_and_dense_text():
    assert readability.grade(PLAIN) < 6 < 15 < readability.grade(DENSE)
    assert readability.word_count("It's 720 clock hours.") == 4


def test_dense_page_is_reported_at_its_hardest_sentence(run_cli, site):
    page = _page("guide", [PLAIN + " " + PLAIN, DENSE, PLAIN])
    root = site({"a.md": page}, CONFIG.format(grade=9))
    code, found, _ = _gl520(run_cli, root)
    assert code == 1
    assert len(found) == 1
    d = found[0]
    assert d["severity"] == "warning"
    assert (d["line"], d["column"]) == (9, 1)  # the dense paragraph, not the plain ones
    assert "over 9" in d["message"] and "type guide" in d["message"]


def test_below_the_ceiling_other_types_and_short_pages_pass(run_cli, site):
    files = {
        "plain.md": _page("guide", [PLAIN] * 4),  # plain prose under the ceiling
        "hub.md": _page("hub", [DENSE] * 2),  # no ceiling for type hub
        "short.md": _page("guide", [DENSE[:60] + "."]),  # under min_words
    }
    code, found, _ = _gl520(run_cli, site(files, CONFIG.format(grade=9)))
    assert found == [] and code == 0


def test_no_ceiling_means_the_rule_is_off(run_cli, site):
    code, found, _ = _gl520(run_cli, site({"a.md": _page("guide", [DENSE] * 3)}))
    assert found == [] and code == 0


@pytest.mark.parametrize("value", ['"ten"', "0", "31", "true"])
def test_bad_ceiling_is_a_config_error(run_cli, site, value):
    root = site({"a.md": _page("guide", [PLAIN])}, CONFIG.format(grade=value))
    code, _out, err = run_cli("check", "--no-cache", cwd=root)
    assert code == 2 and "Traceback" not in err
    assert "max_grade" in err


def test_ceiling_without_textstat_is_a_config_error_naming_the_extra(run_cli_proc, site, tmp_path):
    # a textstat that cannot be imported, found first on the path of a new interpreter
    fake = tmp_path / "no_textstat" / "textstat"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('simulated: not installed')\n")
    root = site({"a.md": _page("guide", [PLAIN])}, CONFIG.format(grade=9))
    code, _out, err = run_cli_proc(
        "check", "--no-cache", cwd=root, env={"PYTHONPATH": str(fake.parent)}
    )
    assert code == 2 and "Traceback" not in err
    assert "guidelint[readability]" in err
