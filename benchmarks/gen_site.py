#!/usr/bin/env python3
"""Generate a deterministic synthetic guide site for benchmarks.

    python benchmarks/gen_site.py 1000 /tmp/site1k [--seed 7]

Writes ``OUT/pyproject.toml`` (``[tool.guidelint]`` pointing at ``content`` and at the
repository's schemas) and ``OUT/content/``: one hub page, guide pages and state pages in
``states/``. Pages average about 5.8 KB and have front matter, headings, lists, tables,
cross-links (about 2% of them broken: a missing page or a missing anchor) and prose with
claims, hedged and unhedged. The same N and seed always give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WORDS = [
    "medical",
    "assistant",
    "program",
    "training",
    "employer",
    "clinic",
    "patient",
    "state",
    "board",
    "exam",
    "credential",
    "certification",
    "renewal",
    "hours",
    "course",
    "school",
    "externship",
    "supervision",
    "physician",
    "provider",
    "task",
    "injection",
    "records",
    "scheduling",
    "billing",
    "vital",
    "signs",
    "phlebotomy",
    "office",
    "hospital",
    "salary",
    "wage",
    "region",
    "experience",
    "skill",
    "role",
    "duty",
    "license",
    "rule",
    "guide",
    "source",
    "option",
    "cost",
    "month",
    "week",
    "year",
    "answer",
    "question",
    "plan",
    "budget",
    "study",
    "practice",
    "review",
    "check",
    "compare",
    "choose",
    "apply",
]
TOPICS = (
    "certification renewal",
    "training programs",
    "externships",
    "clinical duties",
    "office duties",
    "pay and benefits",
    "job search",
    "continuing education",
    "exam preparation",
    "scope of practice",
    "career paths",
    "online programs",
    "financial aid",
    "interviews",
    "resumes",
    "specialties",
)
CLAIMS = (
    "You must be certified to work as a medical assistant.",
    "Certification is required in every state.",
    "Medical assistants earn $45,000 a year.",
    "The program takes 9 months to complete.",
    "Most employers prefer a certified medical assistant.",
    "Many programs take about nine to twelve months, depending on the school.",
    "Certification is voluntary, although some employers may require it.",
    "Medical assistants can give injections in all states.",
    "Some states may allow medical assistants to give injections under supervision.",
    "Graduates are guaranteed a job after the externship.",
    "Pay varies by region, employer and experience.",
    "Check the rules with your state's medical board before you enroll.",
)
STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]


def sentence(rng: random.Random) -> str:
    n = rng.randint(8, 20)
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, links: list[str], n: int | None = None) -> str:
    parts = []
    for _ in range(n or rng.randint(3, 5)):
        r = rng.random()
        if r < 0.18:
            parts.append(rng.choice(CLAIMS))
        elif r < 0.30 and links:
            target = rng.choice(links)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))
            parts.append(f"See the [{text}]({target}) for details.")
        else:
            parts.append(sentence(rng))
    # wrap at about 100 columns like a real page
    out, line = [], ""
    for word in " ".join(parts).split(" "):
        if line and len(line) + len(word) + 1 > 100:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return "\n".join(out)


def heading_anchor(text: str) -> str:
    return "-".join("".join(c for c in text.lower() if c.isalnum() or c in " -").split())


class Site:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        n_states = min(max(n // 20, 1), len(STATES) * 4)
        self.states = [
            f"states/{STATES[i % len(STATES)].lower()}-{i // len(STATES) + 1}"
            for i in range(n_states)
        ]
        self.guides = [f"guide-{i:05d}" for i in range(max(n - n_states - 2, 0))]
        self.slugs = ["how-to-become", "states/index", *self.guides, *self.states]
        self.sections: dict[str, list[str]] = {}
        for slug in self.slugs:
            rng = random.Random(f"{seed}:{slug}")
            self.sections[slug] = [
                f"{rng.choice(TOPICS).capitalize()} {k + 1}" for k in range(rng.randint(4, 6))
            ]

    def rel_link(self, src: str, dst: str, anchor: str | None) -> str:
        depth = src.count("/")
        path = "../" * depth + dst + ".md"
        return f"{path}#{anchor}" if anchor else path

    def links_for(self, rng: random.Random, slug: str) -> list[str]:
        out = []
        for _ in range(8):
            dst = rng.choice(self.slugs)
            anchor = None
            if rng.random() < 0.4:
                anchor = heading_anchor(rng.choice(self.sections[dst]))
            r = rng.random()
            if r < 0.01:
                dst = dst + "-missing"  # broken: no such page
            elif r < 0.02:
                anchor = "no-such-section"  # broken: no such heading
            out.append(self.rel_link(slug, dst, anchor))
        return out

    def page(self, slug: str) -> str:
        rng = random.Random(f"{self.rng.random()}:{slug}")
        kind = (
            "hub"
            if slug == "how-to-become"
            else (
                "index"
                if slug == "states/index"
                else ("state" if slug.startswith("states/") else "guide")
            )
        )
        title = f"{rng.choice(TOPICS).capitalize()} for medical assistants ({slug.split('/')[-1]})"
        related = rng.sample([s for s in self.slugs if s != slug], k=min(3, len(self.slugs) - 1))
        fm = [
            "---",
            f"title: {title}",
            "description: " + (sentence(rng) + " " + sentence(rng))[:150].strip(),
            f"type: {kind}",
            f"status: {'draft' if rng.random() < 0.1 else 'published'}",
            f"last_reviewed: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        ]
        if kind == "state":
            fm.append(f"state: {STATES[self.states.index(slug) % len(STATES)]}")
        if kind in ("guide", "state") and rng.random() < 0.9:
            fm.append("sources:")
            for _ in range(rng.randint(1, 3)):
                fm += [
                    f"  - title: {sentence(rng)[:40]}",
                    "    publisher: Bureau of Labor Statistics",
                    f"    url: https://example.org/{rng.randint(1, 9999)}",
                    "    accessed: 2026-10-01",
                ]
        fm.append("related:")
        fm += [f"  - {r}" for r in related]
        fm.append("---")
        links = self.links_for(rng, slug)
        body = ["", f"# {title}", "", paragraph(rng, links)]
        for _k, sec in enumerate(self.sections[slug]):
            body += ["", f"## {sec}", "", paragraph(rng, links)]
            r = rng.random()
            if r < 0.35:
                body.append("")
                body += [
                    f"- **{rng.choice(WORDS).capitalize()}.** {sentence(rng)}"
                    for _ in range(rng.randint(3, 6))
                ]
            elif r < 0.55:
                body += ["", "| Option | What it involves | Typical cost |", "|---|---|---|"]
                for j in range(rng.randint(3, 5)):
                    body.append(
                        f"| {rng.choice(WORDS).capitalize()} {j + 1} | {sentence(rng)} | "
                        f"${rng.randint(5, 60) * 100:,} |"
                    )
            elif r < 0.65:
                body += ["", "> " + sentence(rng), ">", "> " + rng.choice(CLAIMS)]
            if rng.random() < 0.4:
                body += ["", paragraph(rng, links)]
            if rng.random() < 0.2:
                body += ["", paragraph(rng, links, n=rng.randint(2, 4))]
        body += ["", "## What to read next", ""]
        body += [f"- [{r}]({self.rel_link(slug, r, None)})" for r in related]
        return "\n".join(fm + body) + "\n"

    def write(self, out: Path) -> int:
        content = out / "content"
        if content.exists():
            shutil.rmtree(content)
        total = 0
        for slug in self.slugs[: self.n]:
            target = content / f"{slug}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            data = self.page(slug).encode("utf-8")
            target.write_bytes(data)
            total += len(data)
        (out / "pyproject.toml").write_text(
            f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n',
            encoding="utf-8",
        )
        return total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("out", type=Path, help="output folder (its content/ is replaced)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = Site(args.n, args.seed).write(args.out)
    print(
        f"{args.n} pages, {total:,} bytes ({total / max(args.n, 1) / 1000:.1f} KB a page) in {args.out}"
    )


if __name__ == "__main__":
    main()
