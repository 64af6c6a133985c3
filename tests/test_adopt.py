"""Adopting guidelint on generator sites: ``guidelint init``, the URL model, template masking,
page types without editing pages, navigation as inbound links.

The sites under tests/fixtures/generators/ are small synthetic sites written for these tests, one
per generator, each with its conventions and a few planted real problems: the tests check that
``init`` + ``check`` reports exactly those, and nothing else. Conventions covered:

- jekyll: baseurl, collections and a posts permalink pattern, {% link %}, {% post_url %},
  relative_url, {% raw %}, {% highlight %}, GFM ids with "--", "{: #id}" after a heading,
  redirect_from, _data nav, _includes links, site_url, listed posts;
- hugo: ref/relref, shortcodes (a block one, an include: open anchors), aliases, menu front
  matter, a page bundle with slug, {#id}, a GetPage render hook (fallback_root), definition-term
  ids, static/, drafts;
- mkdocs: nav, README.md as index, python-markdown ids and "_1" repeats, attr_list ids (heading
  and inline), admonitions with Markdown inside, snippets auto_append definitions, footnotes;
- eleventy: permalink front matter, directory data permalinks and tags, Nunjucks comments and
  block set, raw, the url filter, markdown-it-anchor with Eleventy's slugify, _data nav, pages
  from .njk, permalink: false, vercel.json redirects;
- docusaurus: numbered folders and files, id and slug front matter, {#id}, .mdx, sidebars,
  baseUrl and routeBasePath, partials, links from the docs folder, URLs without a trailing slash.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from guidelint.config import ConfigError, load_config
from guidelint.sitemodel import page_urls, url_key
from guidelint.templates import mask

FIXTURES = Path(__file__).parent / "fixtures" / "generators"

# generator -> (settings init must write, the planted findings as (path, line, code))
EXPECTED = {
    "jekyll": (
        {
            "generator": "jekyll",
            "url_style": "pretty",
            "slug_style": "jekyll",
            "baseurl": "/lantern",
        },
        {
            ("_docs/first-steps.md", 9, "GL302"),  # /lantern/docs/setup/#after-you-start
            ("_docs/setup.md", 11, "GL301"),  # ../first-step/
            # images read against the page's URL /docs/setup/ (line 20 reaches /assets/lamp.svg)
            ("_docs/setup.md", 22, "GL311"),  # ../../assets/lmap.svg
            ("_docs/setup.md", 24, "GL304"),  # ../../../lamp.svg: above the site's root
            ("index.md", 10, "GL301"),  # {{ '/docs/themes/' | relative_url }}
            ("_docs/faq.md", 7, "GL302"),  # ../history/#v2-0 (only {: #v1-0} exists)
            ("_docs/faq.md", 8, "GL302"),  # a full URL of the site (site_url) to #nope
            ("_docs/lonely.md", 4, "GL308"),  # no page, nav file or layout links it
        },
    ),
    "hugo": (
        {"generator": "hugo", "url_style": "pretty", "slug_style": "hugo", "baseurl": "/kettle"},
        {
            ("content/_index.md", 8, "GL301"),  # {{< ref "guides/nowhere.md" >}}
            ("content/guides/water.md", 12, "GL301"),  # ../brewng/
            ("content/guides/water.md", 16, "GL302"),  # #café-crème has an explicit {#creme}
            ("content/recipes/_index.md", 13, "GL301"),  # /files/nope.txt (not in static/)
        },
    ),
    "mkdocs": (
        {
            "generator": "mkdocs",
            "url_style": "pretty",
            "slug_style": "python-markdown",
            "baseurl": "/pebble",
        },
        {
            ("docs/index.md", 4, "GL301"),  # changelog.md
            ("docs/usage/README.md", 7, "GL301"),  # tutorial.md, inside an admonition
            ("docs/usage/options.md", 6, "GL204"),  # the empty first "Flags & switches"
            ("docs/usage/options.md", 8, "GL203"),  # the repeated heading
            ("docs/usage/options.md", 10, "GL302"),  # #flags--switches_1 (it is flags-switches_1)
            ("docs/usage/options.md", 15, "GL302"),  # #grosse: the heading's id is {#size}
        },
    ),
    "eleventy": (
        {"generator": "eleventy", "url_style": "pretty", "slug_style": "eleventy"},
        {
            ("src/notes/index.md", 8, "GL302"),  # #what-s-in-the-bag (Eleventy: whats-in-the-bag)
            ("src/notes/index.md", 10, "GL301"),  # /about/ (the page's permalink is /about-us/)
            ("src/about.md", 10, "GL301"),  # /posts/second-walk/ (posts.json: /posts/:title/)
        },
    ),
    "docusaurus": (
        {
            "generator": "docusaurus",
            "url_style": "html",  # served at /a/b: relative URLs resolve against /a/
            "slug_style": "docusaurus",
            "baseurl": "/marten",
        },
        {
            ("docs/01-guides/02-install.md", 7, "GL204"),  # an empty section
            ("docs/01-guides/03-tuning.mdx", 14, "GL302"),  # #steps-and-checks
            ("docs/intro.md", 9, "GL301"),  # /docs/guides/instal
            ("docs/01-guides/02-install.md", 12, "GL301"),  # ./missing.md
        },
    ),
}


@pytest.fixture
def fixture_site(tmp_path):
    def _copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return _copy


@pytest.mark.parametrize("generator", sorted(EXPECTED))
def test_init_then_check_finds_exactly_the_planted_problems(generator, fixture_site, run_cli):
    root = fixture_site(generator)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = run_cli("init", cwd=root)
    assert code == 0, err
    settings, planted = EXPECTED[generator]
    config_text = (root / "guidelint.toml").read_text(encoding="utf-8")
    for key, value in settings.items():
        assert f'{key} = "{value}"' in config_text, (key, config_text)
    assert f"generator {generator}" in out  # it says what it decided and why
    assert "First check:" in out and "by code" in out
    # no page of the site was touched
    assert all(p.read_bytes() == data for p, data in before.items())
    code, out, err = run_cli("check", "--format", "json", "--no-cache", cwd=root)
    found = {(d["path"], d["line"], d["code"]) for d in json.loads(out)}
    assert found == planted, err
    assert code == 1


def test_init_summary_counts_by_code(fixture_site, run_cli):
    root = fixture_site("jekyll")
    code, out, _err = run_cli("init", cwd=root)
    assert code == 0
    assert re.search(r"^\s+2\s+GL301\s+missing-page$", out, re.M)
    assert re.search(r"^\s+3\s+GL302\s+missing-anchor$", out, re.M)
    assert re.search(r"^\s+1\s+GL308\s+orphan-page$", out, re.M)


def test_init_never_overwrites(fixture_site, run_cli):
    root = fixture_site("hugo")
    (root / "guidelint.toml").write_text("# mine\n", encoding="utf-8")
    code, _out, err = run_cli("init", "--no-check", cwd=root)
    assert code == 2
    assert "never overwrites" in err
    assert (root / "guidelint.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (root / "guidelint-schemas").exists()


def test_init_plain_site_infers_required_keys(tmp_path, run_cli):
    for i in range(4):
        page = tmp_path / "docs" / "guides" / f"g{i}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        extra = "draft: true\n" if i == 0 else ""
        page.write_text(f"---\ntitle: Guide {i}\nweight: {i}\n{extra}---\n# Guide {i}\n")
    (tmp_path / "docs" / "guides" / "g4.md").write_text("---\ntitle: Guide 4\n---\n# Guide 4\n")
    code, out, err = run_cli("init", "--no-check", path := str(tmp_path))
    assert code == 0, err
    assert "generator plain" in out
    schema = json.loads((tmp_path / "guidelint-schemas" / "guides.schema.json").read_text())
    assert schema["required"] == ["title"]  # weight is on 4 of 5 pages: not "nearly always"
    assert schema["properties"]["weight"] == {"type": "integer"}
    assert schema["properties"]["draft"] == {"type": "boolean"}
    config = load_config(Path(path) / "guidelint.toml")
    assert config["types"] == ((("guides/**",), "guides"),)


# ------------------------------------------------------------------ template masking
LIQUID = """Intro {{ site.title }} and [a]({% link _docs/a.md %}), [b]({{ site.baseurl }}/b/).
{% raw %}{{ literal }}{% endraw %} {% comment %}[hidden](x.md){% endcomment %}
[c]({{ '/c/' | relative_url }}#top) [d]({% post_url 2024-01-02-d %})
"""


def test_liquid_masking_keeps_every_position():
    masked = mask(LIQUID, "liquid")
    assert len(masked) == len(LIQUID)
    assert [i for i, ch in enumerate(LIQUID) if ch == "\n"] == [
        i for i, ch in enumerate(masked) if ch == "\n"
    ]
    assert "site.title" not in masked and "[hidden]" not in masked
    assert "{{ literal }}" in masked  # raw content is printed as written
    assert "(     glsrc:_docs/a.md)" in masked
    assert "(                  /b/)" in masked
    assert "/c/#top)" in masked  # the tag's target joins the text after it
    assert "glpost:2024-01-02-d)" in masked
    # outside the tags, nothing changed
    in_tag = set()
    for m in re.finditer(r"\{% comment.*?endcomment %\}|\{[{%].*?[%}]\}", LIQUID):
        in_tag.update(range(m.start(), m.end()))
    for m in re.finditer(r"\{% raw %\}(.*?)\{% endraw %\}", LIQUID):
        in_tag.difference_update(range(m.start(1), m.end(1)))
    assert all(masked[i] == LIQUID[i] for i in range(len(LIQUID)) if i not in in_tag)


def test_hugo_shortcodes_masked_and_refs_kept():
    text = '{{< ref "a/b.md#x" >}} {{% aside %}}Note{{% /aside %}} {{</* ref "shown" */>}}'
    masked = mask(text, "hugo")
    assert len(masked) == len(text)
    assert masked.lstrip().startswith("glref:a/b.md#x")
    assert "Note" in masked and "aside" not in masked and "shown" not in masked


def test_unclosed_tag_does_not_swallow_the_next_paragraph():
    text = "Braces {{ left open\n\nA [link](page.md) {{ closed }}"
    assert "[link](page.md)" in mask(text, "liquid")


def test_site_link_tags_from_config(site, run_cli):
    root = site(
        {
            "a.md": "# A\n\nSee [b](@@b.md@@) and [c](@@c.md@@).\n",
            "b.md": "# B\n\nBack to [a](a.md).\n",
        },
        config='generator = "plain"\nselect = ["GL301"]\n'
        "[tool.guidelint.links]\ntemplates = ['@@(?P<target>[^@]+)@@']\n",
    )
    code, out, _err = run_cli("check", "--format", "json", "--no-cache", cwd=root)
    found = [(d["path"], d["line"], d["column"], d["code"]) for d in json.loads(out)]
    assert found == [("content/a.md", 3, 23, "GL301")]
    assert code == 1
    assert "c.md" in out


def test_templates_need_a_target_group(tmp_path):
    (tmp_path / "guidelint.toml").write_text(
        "[tool.guidelint.links]\ntemplates = ['@@(\\S+)@@']\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="named group"):
        load_config(tmp_path / "guidelint.toml")


# ------------------------------------------------------------------ URL model
@pytest.mark.parametrize(
    "url,key",
    [
        ("/docs/", "/docs"),
        ("/docs/index.html", "/docs"),
        ("/docs.html", "/docs"),
        ("docs/a/../b/", "/docs/b"),
        ("/", ""),
        ("/a/b/#x", "/a/b"),
    ],
)
def test_url_keys(url, key):
    assert url_key(url) == key


def _config(tmp_path, text):
    (tmp_path / "guidelint.toml").write_text("[tool.guidelint]\n" + text, encoding="utf-8")
    return load_config(tmp_path / "guidelint.toml")


@pytest.mark.parametrize(
    "generator,style,rel,meta,urls",
    [
        ("jekyll", "pretty", "_docs/a.md", {}, ("/docs/a",)),
        ("jekyll", "html", "about.md", {"redirect_from": ["/old/"]}, ("/about", "/old")),
        ("jekyll", "pretty", "x.md", {"permalink": "/y/"}, ("/y",)),
        ("jekyll", "pretty", "x.md", {"permalink": "/:title/"}, ("/x",)),  # a pattern
        ("hugo", "pretty", "Guides/_index.md", {}, ("/guides",)),  # Hugo lowercases
        ("hugo", "pretty", "g/b/index.md", {"slug": "brew"}, ("/g/brew",)),
        ("hugo", "pretty", "g/w.md", {"aliases": ["old-w"]}, ("/g/w", "/g/old-w")),
        ("hugo", "pretty", "g/w.md", {"url": "/water/"}, ("/water",)),
        ("mkdocs", "pretty", "usage/README.md", {}, ("/usage",)),
        ("eleventy", "pretty", "a.md", {"permalink": False}, ()),
        ("docusaurus", "pretty", "01-guides/02-install.md", {"id": "setup"}, ("/guides/setup",)),
        ("docusaurus", "pretty", "intro.md", {"slug": "/"}, ("",)),
    ],
)
def test_page_urls_per_generator(tmp_path, generator, style, rel, meta, urls):
    config = _config(
        tmp_path,
        f'generator = "{generator}"\n[tool.guidelint.links]\nurl_style = "{style}"\n'
        'collections = { "_docs" = "docs" }\n',
    )
    assert page_urls(rel, meta, config) == urls


def test_files_style_on_plain_site_has_no_urls(tmp_path):
    assert page_urls("a.md", {"permalink": "/x/"}, _config(tmp_path, "")) == ()


# ------------------------------------------------------------------ types and status
def test_types_from_globs_and_default_status(site, run_cli):
    root = site(
        {
            "guides/a.md": "---\ntitle: Some guide page here\n---\n# Some guide page here\n",
            "guides/b.md": "---\ntitle: Another guide page\ntype: hub\n---\n# Another guide page\n",
            "notes/c.md": "---\ntitle: A draft note page\ndraft: true\n---\n# A draft note page\n",
        },
        config='default_status = "published"\nselect = ["GL102", "GL105"]\n'
        '[[tool.guidelint.types]]\nglob = "guides/**"\ntype = "guide"\n'
        '[[tool.guidelint.types]]\nglob = ["notes/*.md"]\ntype = "nosuchtype"\n',
    )
    _code, out, _err = run_cli("check", "--format", "json", "--no-cache", cwd=root)
    found = {(d["path"], d["code"], d["message"].split(";")[0]) for d in json.loads(out)}
    paths = {(p, c) for p, c, _m in found}
    # guides/a.md is a guide: the guide schema asks for its missing keys (not for type or status)
    assert ("content/guides/a.md", "GL102") in paths
    assert not any("'type'" in m or "'status'" in m for _p, _c, m in found)
    # the front matter's own type wins: b.md is checked as a hub (whose schema asks for hub keys)
    assert ("content/guides/b.md", "GL102") in paths
    assert ("content/guides/b.md", "GL105") not in paths
    assert ("content/guides/a.md", "GL105") not in paths
    assert ("content/notes/c.md", "GL105") in paths  # the glob's type is unknown


def test_draft_and_published_false_are_drafts(tmp_path):
    from guidelint.frontmatter import FrontMatter
    from guidelint.sitemodel import apply_page_defaults

    config = _config(tmp_path, 'default_status = "published"\n')
    for data, status in (
        ({"draft": True}, "draft"),
        ({"published": False}, "draft"),
        ({}, "published"),
        ({"status": "draft"}, "draft"),
    ):
        fm = FrontMatter(dict(data), 1, 2)
        apply_page_defaults(fm, "a.md", config)
        assert fm.data["status"] == status


# ------------------------------------------------------------------ navigation
def test_mkdocs_nav_decides_orphans(fixture_site, run_cli):
    root = fixture_site("mkdocs")
    assert run_cli("init", "--no-check", cwd=root)[0] == 0
    # a published page that nothing links to and the nav does not list: an orphan
    (root / "docs" / "lonely.md").write_text("# Lonely\n", encoding="utf-8")
    code, out, _err = run_cli(
        "check", "--select", "GL308", "--format", "json", "--no-cache", cwd=root
    )
    assert [d["path"] for d in json.loads(out)] == ["docs/lonely.md"]
    # without a nav key MkDocs lists every page: no orphans
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"nav:\n(  .*\n)+", "", text), encoding="utf-8")
    code, out, _err = run_cli("check", "--select", "GL308", "--format", "json", cwd=root)
    assert json.loads(out) == []
    assert code == 0


def test_hugo_menu_front_matter_counts_as_a_link(fixture_site, run_cli):
    root = fixture_site("hugo")
    assert run_cli("init", "--no-check", cwd=root)[0] == 0
    page = root / "content" / "extra.md"
    page.write_text("---\ntitle: Extra\n---\n# Extra\n", encoding="utf-8")
    code, out, _err = run_cli("check", "--select", "GL308", "--format", "json", cwd=root)
    assert [d["path"] for d in json.loads(out)] == ["content/extra.md"]
    page.write_text("---\ntitle: Extra\nmenu: main\n---\n# Extra\n", encoding="utf-8")
    code, out, _err = run_cli("check", "--select", "GL308", "--format", "json", cwd=root)
    assert json.loads(out) == []  # the cached run sees the menu too
    assert code == 0


# ------------------------------------------------------------------ detection details
def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_detect_hugo_module_mount_and_ugly_urls(tmp_path):
    from guidelint.adopt import detect

    root = _tree(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://ex.org/"\nuglyURLs = true\n'
            '[[module.mounts]]\nsource = "content/en"\ntarget = "content"\n',
            "content/en/a.md": "# A\n",
        },
    )
    plan = detect(root)
    assert (plan.generator, plan.content_root, plan.url_style) == ("hugo", "content/en", "html")
    assert plan.site_url == "https://ex.org" and plan.baseurl == ""


def test_detect_eleventy_slug_function_and_docusaurus_docs_path(tmp_path):
    from guidelint.adopt import detect

    eleventy = _tree(
        tmp_path / "e",
        {
            "eleventy.config.js": 'import md from "./config/md.js";\n'
            'export default function (c) { c.addPlugin(md); return { dir: { input: "site" } }; }\n',
            "config/md.js": 'import slugify from "@sindresorhus/slugify";\n'
            'import { IdAttributePlugin } from "@11ty/eleventy";\n',
            "site/a.md": "# A\n",
        },
    )
    plan = detect(eleventy)
    assert (plan.content_root, plan.slug_style) == ("site", "sindresorhus-slugify")
    docusaurus = _tree(
        tmp_path / "d",
        {
            "website/docusaurus.config.js": "module.exports = { url: 'https://ex.org', "
            "baseUrl: '/', trailingSlash: true, presets: [['classic', { docs: { path: '../docs', "
            "routeBasePath: '/' } }]] };\n",
            "docs/a.md": "# A\n",
        },
    )
    plan = detect(docusaurus)
    assert (plan.generator, plan.content_root, plan.url_style) == ("docusaurus", "docs", "pretty")
    assert plan.site_prefixes == {"/": ""} and plan.fallback_root


def test_init_refuses_a_missing_content_folder(tmp_path, run_cli):
    _tree(tmp_path, {"mkdocs.yml": "site_name: X\ndocs_dir: pages\n"})
    code, _out, err = run_cli("init", "--no-check", cwd=tmp_path)
    assert code == 2 and "pages" in err and "nothing was written" in err
    assert not (tmp_path / "guidelint.toml").exists()


@pytest.mark.parametrize("syntax", ["liquid", "hugo"])
def test_hostile_template_text_is_masked_in_one_pass(syntax):
    """Openers without closers, blocks without ends, huge white-space runs: every tag is found by
    pairing positions, not by backtracking, so these finish (a quadratic scan would not)."""
    pieces = ["{{ ", "{% highlight x %}", "{% raw %}", "{{< ", "{{% ", "{#", "{{</* "]
    text = "".join(p * 20000 for p in pieces) + "## T" + " " * 50000 + "{#x}\n"
    masked = mask(text, syntax)
    assert len(masked) == len(text)
    from guidelint.slug import split_explicit_id

    assert split_explicit_id("a" + " " * 50000 + "{x", "hugo") == ("a" + " " * 50000 + "{x", None)


def test_url_links_get_url_messages_and_suggestions(fixture_site, run_cli):
    root = fixture_site("jekyll")
    assert run_cli("init", "--no-check", cwd=root)[0] == 0
    _code, out, _err = run_cli("check", "--select", "GL301", "--format", "json", cwd=root)
    messages = {d["path"]: d["message"] for d in json.loads(out)}
    assert messages["_docs/setup.md"] == (
        "link to '../first-step/': nothing is published at '/docs/first-step/'; "
        "did you mean '../first-steps/'?"
    )
    root = fixture_site("docusaurus")
    assert run_cli("init", "--no-check", cwd=root)[0] == 0
    _code, out, _err = run_cli("check", "--select", "GL301", "--format", "json", cwd=root)
    messages = {d["path"]: d["message"] for d in json.loads(out)}
    assert "did you mean '/marten/docs/guides/install'?" in messages["docs/intro.md"]
    # a Markdown file link keeps the file wording
    assert "no page or file at '01-guides/missing.md'" in messages["docs/01-guides/02-install.md"]


def test_cached_run_sees_a_new_static_file(fixture_site, run_cli):
    root = fixture_site("hugo")
    assert run_cli("init", "--no-check", cwd=root)[0] == 0
    _code, out, _err = run_cli("check", "--select", "GL301", "--format", "json", cwd=root)
    assert ("content/recipes/_index.md", 13) in {(d["path"], d["line"]) for d in json.loads(out)}
    (root / "static" / "files" / "nope.txt").write_text("now here\n", encoding="utf-8")
    _code, out, _err = run_cli("check", "--select", "GL301", "--format", "json", cwd=root)
    assert ("content/recipes/_index.md", 13) not in {
        (d["path"], d["line"]) for d in json.loads(out)
    }


def test_init_leaves_an_existing_pyproject_configuration_alone(tmp_path, run_cli):
    _tree(
        tmp_path,
        {"pyproject.toml": '[tool.guidelint]\ncontent_root = "docs"\n', "docs/a.md": "# A\n"},
    )
    code, _out, err = run_cli("init", "--no-check", cwd=tmp_path)
    assert code == 2 and "[tool.guidelint]" in err
    assert not (tmp_path / "guidelint.toml").exists()
