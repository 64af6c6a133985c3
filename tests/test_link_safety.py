"""Links that are unsafe or break elsewhere: GL313 (schemes), GL314 (case), GL304 (symlinks)."""

import json

from guidelint.rules.gl313_unsafe_link_scheme import unsafe_scheme
from guidelint.testing import run_files


def _found(files, code):
    return [
        (d.path.split("/", 1)[1], d.line, d.column, d.message)
        for d in run_files(files, frozenset({code}))
    ]


def test_gl313_reports_script_file_and_data_targets():
    page = (
        "# Apply\n\n"
        "[a](javascript:alert(1))\n"  # 3
        "[b](FILE:///home/sam/form.pdf)\n"  # 4
        "[c](data:text/html,<b>hi</b>)\n"  # 5
        "![ok](data:image/png;base64,AAAA)\n"  # 6: a picture, allowed
        "![svg](data:image/svg+xml,<svg/>)\n"  # 7
        "[e](<java\tscript:x>)\n"  # 8: browsers drop the tab
        "[f][ref]\n"  # 9
        "<vbscript:msgbox>\n"  # 10
        "[fine](https://example.org/) [mail](mailto:jobs@example.org) [page](other.md)\n"  # 11
        "`[code](javascript:x)`\n\n"  # 12: code, not a link
        "[ref]: JavaScript:void(0)\n"
    )
    found = _found({"apply.md": page}, "GL313")
    assert [(line, col) for _p, line, col, _m in found] == [
        (3, 1),
        (4, 1),
        (5, 1),
        (7, 1),
        (8, 1),
        (9, 1),
        (10, 1),
    ]
    messages = [m for *_rest, m in found]
    assert "javascript: scheme" in messages[0] and "runs script" in messages[0]
    assert "file: scheme" in messages[1] and "own computer" in messages[1]
    assert "data: scheme" in messages[2] and "data: scheme" in messages[3]
    assert "java\\tscript:x" in messages[4]  # the tab is shown, not printed raw
    assert unsafe_scheme(" javascript:x") == "javascript"
    assert unsafe_scheme("data:image/gif;base64,R0", "image") is None
    assert unsafe_scheme("data:image/gif;base64,R0", "link") == "data"
    assert unsafe_scheme("https://example.org/javascript:x") is None


def test_gl314_case_collisions():
    files = {
        "jobs.md": "# Jobs\n",
        "Jobs.md": "# Jobs again\n",
        "States/texas.md": "# Texas\n",
        "states/ohio.md": "# Ohio\n",
        "caf\u00e9.md": "# Cafe one\n",
        "cafe\u0301.md": "# Cafe two\n",
        "unique.md": "# Unique\n",
        "guides/a.md": "# A\n",
        "guides/b.md": "# B\n",
    }
    found = _found(files, "GL314")
    assert sorted(p for p, *_ in found) == sorted(
        ["Jobs.md", "jobs.md", "States/texas.md", "states/ohio.md", "caf\u00e9.md", "cafe\u0301.md"]
    )
    by_page = {p: m for p, _l, _c, m in found}
    assert "page 'Jobs.md' differs from 'jobs.md' only by case" in by_page["Jobs.md"]
    assert "folder 'States/' differs from 'states/'" in by_page["States/texas.md"]
    assert "accents are encoded" in by_page["caf\u00e9.md"]
    assert all(line == 1 for _p, line, _c, _m in found)  # each page's H1


def test_gl304_links_through_a_symlinked_folder_that_leaves_the_root(site, run_cli, tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    (outside / "photo.png").write_bytes(b"\x89PNG")
    page = (
        "# Jobs\n\n"
        "[notes](shared/secret.md)\n"  # 3
        "![photo](shared/photo.png)\n"  # 4: a file that exists outside
        "![none](shared/missing.png)\n"  # 5: and one that does not: same answer
        "![local](pictures/logo.png)\n"  # 6: a link inside the root
        "![inner](alias/logo.png)\n"  # 7: a symlink that stays inside
    )
    root = site({"jobs.md": page, "pictures/logo.png": b"\x89PNG"})
    (root / "content" / "shared").symlink_to(outside, target_is_directory=True)
    (root / "content" / "alias").symlink_to(root / "content" / "pictures", target_is_directory=True)
    args = ("check", "--select", "GL3", "--format", "json")
    code, out, err = run_cli(*args, cwd=root)
    assert "Traceback" not in err
    found = [(d["code"], d["line"]) for d in json.loads(out)]
    assert found == [("GL304", 3), ("GL304", 4), ("GL304", 5)], out
    assert "through a symbolic link" in json.loads(out)[0]["message"]
    assert code == 1
    # a warm run (site snapshot) sees the link retargeted inside the root
    (root / "content" / "shared").unlink()
    (root / "content" / "shared").symlink_to(root / "content" / "pictures")
    code, out, _err = run_cli(*args, cwd=root)
    found = [(d["code"], d["line"]) for d in json.loads(out)]
    assert ("GL304", 3) not in found and ("GL304", 4) not in found
    assert {line for _c, line in found} == {3, 4, 5}  # missing in pictures/ now (GL301, GL311)
    assert all(c != "GL304" for c, _l in found)
