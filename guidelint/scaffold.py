"""``guidelint new TYPE SLUG``: a new page that already passes the front-matter and structure
checks, built from the schemas (``<type>.schema.json`` and ``<type>.sections.yaml``).

Required keys get placeholder values that validate (``TODO`` text, today's date, status
``draft``, a ``related`` page that exists); required sections get their headings, a TODO
paragraph and, where a section needs links, links to the related pages. Nothing here knows any
particular site: everything comes from the schemas.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")


class ScaffoldError(Exception):
    """A usage problem (unknown type, bad slug, existing file): exit code 2."""


def _load_docs(directory: Path) -> dict[str, dict]:
    docs = {}
    for path in sorted(directory.glob("*.schema.json")):
        docs[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return docs


def _resolve(schema: dict, docs: dict[str, dict], current: str) -> tuple[dict, str]:
    """Follow ``$ref`` (to ``file.json#/pointer`` or ``#/pointer``) and merge ``allOf``."""
    seen = 0
    while "$ref" in schema and seen < 20:
        seen += 1
        ref = schema["$ref"]
        file, _, pointer = ref.partition("#")
        file = file.rsplit("/", 1)[-1] or current
        node: Any = docs.get(file, {})
        for part in [p for p in pointer.split("/") if p]:
            node = node.get(part, {})
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema, current = {**_qualify(node, file), **extra}, file
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            sub, _ = _resolve(part, docs, current)
            merged = {**sub, **merged}
        schema = merged
    return schema, current


def _qualify(node: Any, file: str) -> Any:
    """Make the local references (``#/...``) of a node taken from ``file`` point into ``file``."""
    if isinstance(node, dict):
        return {
            k: (
                file + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _qualify(v, file)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_qualify(v, file) for v in node]
    return node


def _title_from_slug(slug: str) -> str:
    words = slug.rsplit("/", 1)[-1].replace("-", " ").strip()
    title = words[:1].upper() + words[1:]
    return title if len(title) >= 5 else f"{title} (TODO: title)"


class _Ctx:
    def __init__(
        self, slug: str, title: str, today: dt.date, related: list[str], docs: dict
    ) -> None:
        self.slug, self.title, self.today, self.related, self.docs = (
            slug,
            title,
            today,
            related,
            docs,
        )
        self.comments: dict[str, str] = {}


def _placeholder(key: str, schema: dict, ctx: _Ctx, file: str) -> Any:
    schema, file = _resolve(schema, ctx.docs, file)
    if "const" in schema:
        return schema["const"]
    if key == "title":
        return ctx.title
    if key == "status" and "draft" in schema.get("enum", ()):
        return "draft"
    if "enum" in schema:
        values = schema["enum"]
        hint = schema.get("description") or "one of " + ", ".join(map(str, values[:8])) + (
            ", ..." if len(values) > 8 else ""
        )
        ctx.comments[key] = f"TODO: {hint}"
        return values[0]
    kind = schema.get("type")
    if schema.get("format") == "date":
        return ctx.today
    if kind == "array":
        items, ifile = _resolve(schema.get("items", {}), ctx.docs, file)
        count = max(int(schema.get("minItems", 0)), 1 if key == "related" else 0)
        if key == "related" or items.get("pattern") == ctx.docs.get("common.schema.json", {}).get(
            "$defs", {}
        ).get("slug", {}).get("pattern"):
            return ctx.related[: max(count, 1)]
        return [_placeholder(f"{key}[]", items, ctx, ifile) for _ in range(count)]
    if kind == "object" or "properties" in schema:
        required = list(schema.get("required", ()))
        for alternative in schema.get("anyOf", ()):  # satisfy the first alternative
            required.extend(k for k in alternative.get("required", ()) if k not in required)
            break
        props = schema.get("properties", {})
        return {k: _placeholder(f"{key}.{k}", props.get(k, {}), ctx, file) for k in required}
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    # a string
    if schema.get("pattern", "").startswith("^https?://"):
        return "https://example.org/TODO"
    text = f"TODO: {key.rsplit('.', 1)[-1].rstrip('[]').replace('_', ' ')}"
    if key == "description":
        text = "TODO: one or two sentences for search results and link previews."
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10_000))
    while len(text) < low:
        text += " TODO"
    return text[:high]


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if (
        re.fullmatch(r"[A-Za-z][\w .,()/-]*", text)
        and not re.fullmatch(r"(?i)(yes|no|on|off|true|false|null|~)", text)
        and ": " not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml(key: str, value: Any, indent: str = "") -> list[str]:
    if isinstance(value, list):
        if not value:
            return [f"{indent}{key}: []"]
        out = [f"{indent}{key}:"]
        for item in value:
            if isinstance(item, dict):
                first = True
                for k, v in item.items():
                    lines = _yaml(k, v, indent + "    ")
                    lines[0] = (indent + "  - " if first else indent + "    ") + lines[0].lstrip()
                    out.extend(lines)
                    first = False
            else:
                out.append(f"{indent}  - {_yaml_scalar(item)}")
        return out
    if isinstance(value, dict):
        out = [f"{indent}{key}:"]
        for k, v in value.items():
            out.extend(_yaml(k, v, indent + "  "))
        return out
    return [f"{indent}{key}: {_yaml_scalar(value)}"]


def _example_heading(pattern: str) -> str | None:
    """A heading text matching a section pattern such as ``^Step (?P<number>[0-9]+): (?P<title>.+)$``."""
    text = pattern.strip("^$")
    text = re.sub(r"\(\?P<number>[^)]*\)", "1", text)
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "TODO", text)
    text = text.replace("\\", "")
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def render(
    page_type: str,
    slug: str,
    title: str | None,
    schemas_dir: Path,
    sections: dict | None,
    today: dt.date,
    related: list[str],
) -> str:
    docs = _load_docs(schemas_dir)
    name = f"{page_type}.schema.json"
    if name not in docs:
        raise ScaffoldError(
            f"no page type '{page_type}' (no {name} in {schemas_dir}); types: "
            + ", ".join(
                sorted(n[: -len(".schema.json")] for n in docs if n != "common.schema.json")
            )
        )
    schema, file = _resolve(docs[name], docs, name)
    ctx = _Ctx(slug, title or _title_from_slug(slug), today, related, docs)
    props = schema.get("properties", {})
    required = [k for k in props if k in schema.get("required", ())]
    required += [k for k in schema.get("required", ()) if k not in required]
    lines = ["---"]
    for key in required:
        value = _placeholder(key, props.get(key, {}), ctx, file)
        out = _yaml(key, value)
        if key in ctx.comments:
            out[0] += f"  # {ctx.comments[key]}"
        lines.extend(out)
    lines.append("---")
    lines.append("")
    spec = sections or {}
    lines += [f"# {ctx.title}", ""]  # one H1 equal to the title (h1: title), which every page wants
    lines += ["TODO: the page's opening paragraph: who it is for and what it answers.", ""]
    for entry in spec.get("sections") or []:
        level = int(entry.get("level", 2))
        heading = entry.get("heading")
        if heading is None and entry.get("pattern"):
            heading = _example_heading(str(entry["pattern"]))
        if heading is None:
            lines += [
                f"<!-- TODO: a section whose heading matches {entry.get('pattern')!s} -->",
                "",
            ]
            continue
        lines += [f"{'#' * level} {heading}", ""]
        steps = spec.get("steps") if isinstance(spec.get("steps"), dict) else None
        if (
            steps
            and str(steps.get("table_in", "")).strip().casefold() == heading.strip().casefold()
        ):
            lines += _steps_table(steps, slug, related) + [""]
            continue
        wanted = int(entry.get("links", 0))
        if wanted:
            targets = (related * wanted)[:wanted] if related else []
            lines += [_link_from(slug, t) for t in targets] + [""]
        else:
            lines += ["TODO: write this section.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _steps_table(steps: dict, slug: str, related: list[str]) -> list[str]:
    """A one-row table for a steps spec (columns, row_pattern, links_column)."""
    columns = [str(c) for c in steps.get("columns") or ["Step"]]
    first = (
        _example_heading(str(steps.get("row_pattern", r"^(?P<number>[0-9]+)\. (?P<title>.+)$")))
        or "1. TODO"
    )
    cells = []
    for i, column in enumerate(columns):
        if i == 0:
            cells.append(first)
        elif column == steps.get("links_column") and related:
            cells.append(_link_from(slug, related[0])[2:].split(":", 1)[0])
        else:
            cells.append("TODO")
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        "| " + " | ".join(cells) + " |",
    ]


def _link_from(slug: str, target: str) -> str:
    """A relative Markdown link from page ``slug`` to page ``target``."""
    import posixpath

    here = posixpath.dirname(slug)
    rel = posixpath.relpath(target + ".md", here or ".")
    title = _title_from_slug(target).replace(" (TODO: title)", "")
    if target.endswith("/index"):
        title = _title_from_slug(target.rsplit("/", 1)[0] or target)
    return f"- [{title}]({rel}): TODO: why to read it next."


def pick_related(slug: str, pages: list[tuple[str, str | None]]) -> list[str]:
    """Existing pages to link to: the section index beside the page, the hub, then any page."""
    slugs = [s for s, _t in pages if s != slug]
    out = []
    folder = slug.rsplit("/", 1)[0] if "/" in slug else ""
    if folder and f"{folder}/index" in slugs:
        out.append(f"{folder}/index")
    out += [s for s, t in pages if t == "hub" and s != slug and s not in out]
    out += [s for s in slugs if s not in out]
    return out[:1] or ["index"]


def create(
    config, schemas, page_type: str, slug: str, title: str | None, force: bool = False
) -> Path:
    from guidelint.discovery import discover, rel_path
    from guidelint.site import slug_for

    slug = slug.strip().removesuffix(".md").strip("/")
    if not SLUG_RE.match(slug):
        raise ScaffoldError(
            f"slug '{slug}': use lower-case words joined by hyphens, with '/' for folders "
            "(e.g. states/oregon)"
        )
    target = config.content_root / f"{slug}.md"
    if target.exists() and not force:
        raise ScaffoldError(
            f"{target} already exists; choose another slug or edit the page (--force overwrites)"
        )
    pages = []
    if config.content_root.is_dir():
        import yaml

        for path in discover(config.content_root, config):
            rel = rel_path(path, config.content_root)
            if rel is None:
                continue
            page_type_of = None
            try:
                head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
                m = re.search(r"^type:\s*(\S+)", head, re.M)
                page_type_of = m.group(1) if m else None
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                pass
            pages.append((slug_for(rel), page_type_of))
    text = render(
        page_type,
        slug,
        title,
        config.schemas_dir,
        schemas.sections.get(page_type),
        config.today,
        pick_related(slug, pages),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = "w" if force else "x"
    try:
        with open(target, mode, encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{target} already exists") from None
    return target
