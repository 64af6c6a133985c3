"""The site snapshot: what the last run learnt about every page, in one file, to skip work.

It is the result cache of the pages below the content root (``guidelint.cache`` keeps files
checked outside it). With only a per-file cache, a warm run read and hashed every page, opened
and unpickled every cache entry and ran every site rule again: at 10,000 pages that was 8 s,
most of it spent rediscovering that nothing had changed. The snapshot removes that work in two
steps:

1. **Which pages changed.** For every page it records the ``stat`` signature (modification and
   change times in nanoseconds, size, inode, device) and the hash of the bytes that were
   analysed. A page whose signature is unchanged is not read again; one whose signature moved is
   read and hashed, and only a different hash makes it *changed*. As in git's index, a page
   modified within ``RACY_NS`` of the run that recorded it is stored without a signature
   ("racily clean"), so an edit in the same clock tick as that run is still seen next time.
2. **Whether the site rules must run again.** Site rules (links, anchors, orphans, hub order)
   are a pure function of the pages' summaries, the configuration and a few facts read from disk
   (which non-page files exist, which files a folder holds). The snapshot keeps each page's
   site findings from the last whole-site run, the hash of each page's pickled summary and those
   disk facts. When the set of pages is the same, every changed page's summary hashes the same
   (an edit that moved no link, heading or table) and the disk facts still hold, the stored site
   findings are reused. After an edit that moved or changed links, a whole-site run checks
   again only the edited pages and the pages whose links reach them (``edited_neighbourhood``;
   the "links" rules), recomputes the "graph" rules (orphans, reachability) for every page from
   the stored edges, and keeps the other pages' stored findings (``Rule.locality``). Otherwise
   the site rules run over the stored summaries plus the new ones.

Unchanged pages are served from the snapshot as ``StoredPageResult`` (a
``guidelint.results.AnalysedPage``, like a fresh ``PageResult``): their findings are loaded as
rows, their summary stays pickled until something reads it. The snapshot lives in the cache's
context folder (so a different configuration, rule selection, date or guidelint version never
sees it), one file per content root and working folder, written atomically like cache entries;
an unreadable or foreign file is ignored, and so is one that is not a regular file or whose
HMAC tags do not verify under the user's cache key (``guidelint.trust``): nothing of it is
unpickled. Disable both with ``--no-cache``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from guidelint import trust
from guidelint.links import file_state, list_folder
from guidelint.results import INTERNAL_ERROR, AnalysedPage, FindingRow
from guidelint.site import PageSummary

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.incremental import DiskFacts, LinkData, Pages, Suggestions
    from guidelint.page import Comment

MAGIC = b"guidelint-snapshot-7\n"
RACY_NS = 2_000_000_000  # file-system timestamps can be as coarse as 1-2 s

Signature = tuple[int, int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def summary_digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


def intern_rows(rows: Iterable[FindingRow], messages: dict[str, str]) -> tuple[FindingRow, ...]:
    """``rows`` with equal messages shared (``messages`` interns them): a site's tens of thousands
    of findings repeat a few hundred messages, and plain tuples of shared strings load several
    times faster than pickled objects."""
    return tuple(
        (code, line, column, end_line, end_column, messages.setdefault(message, message), fix)
        for code, line, column, end_line, end_column, message, fix in rows
    )


@dataclass
class PageRecord:
    """One page as the snapshot knows it."""

    sig: Signature | None  # None: racily clean, hash the bytes next time
    digest: bytes  # hash of the file's bytes (guidelint.cache.digest)
    findings: tuple[FindingRow, ...]  # page-rule findings
    summary_blob: bytes  # the pickled PageSummary
    summary_hash: bytes  # summary_digest(summary_blob)
    comments: tuple[Comment, ...]  # the summary's comments and ok flag, for suppressions
    ok: bool  # (without unpickling the summary)
    facts: tuple[Any, ...]  # the summary's IDENTITY_FIELDS, for a StoredSummary
    links: LinkData | None = None  # where the page's links led, the last time they were resolved
    # the source lines of its last findings (PageResult.lines)
    lines: dict[int, str | None] = field(default_factory=dict)


# what identifies a page, kept apart in its record: the fields a StoredSummary holds without
# unpickling, and what edited_neighbourhood compares ("graph" rules read them of every page)
IDENTITY_FIELDS = ("path", "rel", "slug", "ok", "type", "status", "title", "urls", "menu")


class StoredSummary(PageSummary):
    """A stored page's ``PageSummary`` for the site index of a run that does not resolve its links:
    the fields that identify the page are at hand, reading any other field (links, headings...)
    unpickles the whole summary once. A site rule that reads more than the identity is still
    right, only slower. Compared and hashed by identity; pickled as the full summary."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @classmethod
    def of(cls, record: PageRecord) -> StoredSummary:
        summary = object.__new__(cls)  # (no __init__: the other fields are read from the blob)
        state = summary.__dict__
        state.update(zip(IDENTITY_FIELDS, record.facts))
        state["_blob"] = record.summary_blob
        return summary

    def full(self) -> PageSummary:
        state = self.__dict__
        if "_full" not in state:
            state["_full"] = pickle.loads(state["_blob"])
        full: PageSummary = state["_full"]
        return full

    def __reduce__(self) -> tuple[Callable[[bytes], Any], tuple[bytes]]:
        return (pickle.loads, (self.__dict__["_blob"],))


def _stored_field(name: str) -> property:
    return property(lambda self: getattr(self.full(), name), doc=f"{name}, from the full summary")


for _field in fields(PageSummary):
    if _field.name not in IDENTITY_FIELDS:
        setattr(StoredSummary, _field.name, _stored_field(_field.name))
del _field


class StoredPageResult:
    """A page the site snapshot knew unchanged (``guidelint.results.AnalysedPage``): its findings
    are served as stored, its summary is unpickled on first use."""

    __slots__ = ("_summary", "record")

    def __init__(self, record: PageRecord) -> None:
        self.record = record
        self._summary: PageSummary | None = None

    @property
    def summary(self) -> PageSummary:
        if self._summary is None:
            self._summary = pickle.loads(self.record.summary_blob)
        return self._summary

    def index_summary(self) -> PageSummary:
        """The summary if it was unpickled already, else one that unpickles itself when read."""
        return self._summary if self._summary is not None else StoredSummary.of(self.record)

    def finding_rows(self) -> tuple[FindingRow, ...]:
        return self.record.findings

    @property
    def lines(self) -> dict[int, str | None]:
        return self.record.lines

    @property
    def comments(self) -> tuple[Comment, ...]:
        return self.record.comments

    @property
    def ok(self) -> bool:
        return self.record.ok


@dataclass
class Snapshot:
    pages: dict[str, PageRecord] = field(default_factory=dict)  # by path below the content root
    # the site rules' findings of the last whole-site run, by page; None when that run was partial
    site_findings: dict[str, tuple[FindingRow, ...]] | None = None
    # non-page files looked up: found or not, or outside the root (links.file_state)
    exists: dict[str, bool | str] = field(default_factory=dict)
    listings: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # folders (GL311)
    # the link resolver's "did you mean" answers ((path wanted, candidates) -> page): they depend on
    # nothing but the set of pages, and finding them was a third of a site-rules pass at 10k pages
    suggestions: Suggestions = field(default_factory=dict)
    # as loaded: each shard's pickled bytes and page count, so that saving reuses unchanged shards
    shard_blobs: list[bytes] = field(default_factory=list, repr=False, compare=False)
    shard_sizes: list[int] = field(default_factory=list, repr=False, compare=False)
    shard_tags: list[bytes] = field(default_factory=list, repr=False, compare=False)
    site_blob: bytes | None = field(default=None, repr=False, compare=False)

    def disk_unchanged(self, root: Path) -> bool:
        return all(file_state(root, rel) == found for rel, found in self.exists.items()) and all(
            list_folder(root / folder) == names for folder, names in self.listings.items()
        )


class Session:
    """The snapshot's part in one run: the analyzer asks it which pages are unchanged, the
    site-rules policy (``guidelint.incremental``, whose ``SiteSnapshot`` this is) whether the site
    findings still hold, and at the end it writes the new snapshot."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root
        self.started = time.time_ns()
        self.previous = load(path)
        self.seen: dict[str, tuple[Signature | None, bytes]] = {}  # key -> (signature, digest)
        self.blobs: dict[str, bytes] = {}  # pickled summaries of the pages analysed in this run
        self.reused = 0  # pages served from the snapshot

    def unchanged(
        self, key: str, sig: Signature | None, digest: bytes | None = None
    ) -> StoredPageResult | None:
        """The stored result of ``key`` if its signature (or, given, the hash of its bytes) matches."""
        rec = self.previous.pages.get(key) if self.previous is not None else None
        if rec is None or not (
            (sig is not None and rec.sig == sig) or (digest is not None and rec.digest == digest)
        ):
            return None
        self.seen[key] = (sig, rec.digest)
        self.reused += 1
        return StoredPageResult(rec)

    def knows(self, key: str) -> bool:
        """The snapshot has a record of ``key`` (whose signature did not match)."""
        return self.previous is not None and key in self.previous.pages

    def note(
        self, key: str, sig: Signature | None, digest: bytes, summary_blob: bytes | None = None
    ) -> None:
        """A page read and analysed in this run (``summary_blob``: its summary, pickled, if at hand)."""
        self.seen[key] = (sig, digest)
        if summary_blob is not None:
            self.blobs[key] = summary_blob

    def site_findings(self, pages: Pages) -> dict[str, tuple[FindingRow, ...]] | None:
        """The stored site findings, if they hold for these (key, result) pages; else None."""
        prev = self.previous
        if prev is None or prev.site_findings is None or not self._same_pages(pages):
            return None
        for key, result in pages:
            if (
                not isinstance(result, StoredPageResult)
                and summary_digest(self._blob(key, result)) != prev.pages[key].summary_hash
            ):
                return None
        return prev.site_findings if prev.disk_unchanged(self.root) else None

    def neighbourhood(self, pages: Pages, report: set[str]) -> set[str] | None:
        """For a run that reports on ``report`` only: the pages whose links the site rules must see
        (the reported and changed pages, the pages linking into the reported ones, the pages with
        a link that finds nothing), or None when the stored link data cannot be trusted (pages
        added or removed, disk facts changed, no link data)."""
        if not self._links_hold(pages):
            return None
        assert self.previous is not None  # _links_hold checked it
        focus = set(report) | {
            key for key, result in pages if not isinstance(result, StoredPageResult)
        }
        for key, rec in self.previous.pages.items():
            assert rec.links is not None  # _links_hold checked it
            targets, _edges, missing = rec.links
            if missing or not targets.isdisjoint(report):
                focus.add(key)
        return focus

    def edited_neighbourhood(self, pages: Pages) -> set[str] | None:
        """For a whole-site run after an edit that moved links (the stored site findings do not
        hold as they are): the edited pages and the pages whose links or related entries reach
        one of them, the only pages whose "links" site findings can have changed. None when the
        stored findings and link data cannot be trusted: no whole-site findings stored, pages
        added or removed, disk facts changed, or an edited page whose identity changed (type,
        status, title: what other pages' findings and the graph rules read of it)."""
        prev = self.previous
        if prev is None or prev.site_findings is None or not self._links_hold(pages):
            return None
        edited = set()
        for key, result in pages:
            if isinstance(result, StoredPageResult):
                continue
            if _identity(result.summary) != prev.pages[key].facts:
                return None
            edited.add(key)
        focus = set(edited)
        for key, rec in prev.pages.items():
            assert rec.links is not None  # _links_hold checked it
            targets, edges, _missing = rec.links
            if not targets.isdisjoint(edited) or not edited.isdisjoint(edges):
                focus.add(key)
        return focus

    def _links_hold(self, pages: Pages) -> bool:
        """The stored link data holds for this run: same pages, link data for each, same disk facts."""
        prev = self.previous
        return (
            prev is not None
            and self._same_pages(pages)
            and all(rec.links is not None for rec in prev.pages.values())
            and prev.disk_unchanged(self.root)
        )

    def stored_site_findings(self, key: str) -> tuple[FindingRow, ...]:
        """The site findings of ``key`` in the last whole-site run (see edited_neighbourhood)."""
        assert (
            self.previous is not None and self.previous.site_findings is not None
        )  # checked there
        return self.previous.site_findings.get(key, ())

    def _same_pages(self, pages: Pages) -> bool:
        """This run's pages are the snapshot's, and each was read or matched in this run."""
        assert self.previous is not None  # callers check first
        prev = self.previous.pages
        return len(pages) == len(prev) and all(key in prev and key in self.seen for key, _ in pages)

    def previous_disk(self) -> DiskFacts:
        """The disk facts of the snapshot (checked by site_findings or neighbourhood before use)."""
        return (
            (dict(self.previous.exists), dict(self.previous.listings))
            if self.previous
            else ({}, {})
        )

    def stored_edges(self, key: str) -> tuple[str, ...]:
        assert self.previous is not None  # only for pages of a focus the snapshot gave
        links = self.previous.pages[key].links
        assert links is not None  # the focus is given only when every page has link data
        return links[1]

    def suggestions(self, pages: Pages) -> Suggestions:
        """The stored link suggestions, if this run's pages are the snapshot's (else none)."""
        prev = self.previous
        return dict(prev.suggestions) if prev is not None and self._same_pages(pages) else {}

    def save(
        self,
        pages: Pages,
        site_findings: Mapping[str, Sequence[FindingRow]] | None,
        disk: DiskFacts | None,
        link_data: dict[str, LinkData] | None = None,
        suggestions: Suggestions | None = None,
    ) -> None:
        """Write the snapshot of this run, unless it would say what the previous one says."""
        messages: dict[str, str] = {}
        reused = (
            site_findings is not None
            and self.previous is not None
            and site_findings is self.previous.site_findings
        )
        snap = Snapshot(
            site_findings=self.previous.site_findings
            if reused and self.previous is not None
            else None
            if site_findings is None
            else {key: intern_rows(found, messages) for key, found in site_findings.items()}
        )
        if disk is not None:
            snap.exists, snap.listings = disk
        if suggestions is not None:
            snap.suggestions = suggestions
        elif (
            reused and self.previous is not None
        ):  # the site rules did not run: same pages, same answers
            snap.suggestions = self.previous.suggestions
        changed = False
        for key, result in pages:
            if key not in self.seen:
                continue  # unreadable: look at it again next time
            rows = (
                None
                if isinstance(result, StoredPageResult)
                else intern_rows(result.finding_rows(), messages)
            )
            if rows is not None and any(row[0] == INTERNAL_ERROR for row in rows):
                continue  # a rule crashed: look at it again next time
            sig, digest = self.seen[key]
            if sig is not None and max(sig[0], sig[1]) >= self.started - RACY_NS:
                sig = None  # racily clean: changed in the same clock tick as this run, maybe again
            links = link_data.get(key) if link_data else None
            if isinstance(result, StoredPageResult):
                rec = result.record
                if rec.sig != sig or (links is not None and links != rec.links):
                    rec = replace(rec, sig=sig, links=rec.links if links is None else links)
                    changed = True
            else:
                assert rows is not None  # made above for every page analysed in this run
                blob = self._blob(key, result)
                summary = result.summary
                hashed = summary_digest(blob)
                if (
                    links is None
                ):  # not resolved in this run: the old data holds if the summary is the same
                    old = self.previous.pages.get(key) if self.previous is not None else None
                    links = old.links if old is not None and old.summary_hash == hashed else None
                rec = PageRecord(
                    sig,
                    digest,
                    rows,
                    blob,
                    hashed,
                    tuple(summary.comments),
                    summary.ok,
                    _identity(summary),
                    links,
                    _shown(
                        result.lines,
                        rows,
                        snap.site_findings.get(key, ()) if snap.site_findings is not None else None,
                    ),
                )
                changed = True
            snap.pages[key] = rec
        if (
            reused
            and self.previous is not None
            and not changed
            and snap.pages.keys() == self.previous.pages.keys()
        ):
            return  # nothing new to say
        from guidelint.atomic import store

        store(self.path, lambda fh: _write(fh, snap, self.previous, reused))

    def _blob(self, key: str, result: AnalysedPage) -> bytes:
        if key not in self.blobs:
            self.blobs[key] = pickle.dumps(result.summary, pickle.HIGHEST_PROTOCOL)
        return self.blobs[key]


def _identity(summary: PageSummary) -> tuple[Any, ...]:
    return tuple(getattr(summary, name) for name in IDENTITY_FIELDS)


def _shown(
    lines: dict[int, str | None],
    rows: tuple[FindingRow, ...],
    site: tuple[FindingRow, ...] | None,
) -> dict[int, str | None]:
    """The lines worth keeping for the next report: those of the page's findings and, when they
    are known, of its site findings (a line not kept is read from the file if a report needs it)."""
    if site is None:
        return lines
    used = {f[1] for f in rows}
    used.update(f[1] for f in site)
    return {n: text for n, text in lines.items() if n in used}


def location(folder: Path, config: Config) -> Path:
    """One snapshot per content root and working folder (display paths depend on both)."""
    key = hashlib.blake2b(
        f"{config.content_root}\0{os.getcwd()}".encode("utf-8", "surrogateescape"), digest_size=12
    ).hexdigest()
    return folder / f"site-{key}.snapshot"


# On disk the pages are split into SHARDS groups by a hash of their path, each pickled on its own:
# a run that changed a few pages pickles again only their shards and writes the others' bytes as
# they were read (at 10,000 pages that made saving after a one-page edit ~6x cheaper).
SHARDS = 64
_FIELDS = tuple(f for f in PageRecord.__dataclass_fields__)


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % SHARDS


# The file: ``MAGIC``, then frames, each ``tag (32 bytes) | length (8 bytes, big-endian) |
# payload``: the header (a pickle of the shard count, the site findings' pickle, the disk facts and
# the suggestions), then one frame per shard (a pickle of its pages). Each tag is the HMAC of the
# frame's label (the header, or the shard's number) and payload under the user's cache key
# (``guidelint.trust``), and is checked before the payload is unpickled: a snapshot this user's
# guidelint did not write (committed to the repository, restored from a shared cache) is ignored,
# never run. The tags of unchanged shards are kept, like their bytes.
_LENGTH = struct.Struct(">Q")
HEADER_LABEL = b"guidelint snapshot header"


def _shard_label(i: int) -> bytes:
    return b"guidelint snapshot shard %d" % i


def _frame(
    fh: BinaryIO, secret: bytes, label: bytes, payload: bytes, known_tag: bytes | None = None
) -> bytes:
    mac = known_tag or trust.tag(secret, label, payload)
    fh.write(mac)
    fh.write(_LENGTH.pack(len(payload)))
    fh.write(payload)
    return mac


def _read_frame(fh: BinaryIO, secret: bytes, label: bytes, left: list[int]) -> tuple[bytes, bytes]:
    """(payload, tag) of the next frame; raises ValueError unless its tag verifies. ``left``: the
    bytes the file has left (a length field is never trusted to allocate more)."""
    head = fh.read(trust.TAG_BYTES + _LENGTH.size)
    if len(head) != trust.TAG_BYTES + _LENGTH.size:
        raise ValueError("truncated")
    mac = head[: trust.TAG_BYTES]
    (size,) = _LENGTH.unpack(head[trust.TAG_BYTES :])
    left[0] -= len(head)
    if size > left[0]:
        raise ValueError("truncated")
    payload = fh.read(size)
    left[0] -= size
    if len(payload) != size or not trust.verify(secret, label, payload, mac):
        raise ValueError("not authentic")
    return payload, mac


def _write(fh: BinaryIO, snap: Snapshot, previous: Snapshot | None, site_reused: bool) -> None:
    """The snapshot file (see above); each shard is written as soon as it is made, so that a cold
    run never holds every shard's pickle at once."""
    secret = trust.key()
    if secret is None:
        raise OSError("no cache key")
    site_blob: bytes | None
    if site_reused and previous is not None and previous.site_blob is not None:
        site_blob = previous.site_blob
    else:
        site_blob = (
            None
            if snap.site_findings is None
            else pickle.dumps(snap.site_findings, pickle.HIGHEST_PROTOCOL)
        )
    fh.write(MAGIC)
    header = pickle.dumps(
        (SHARDS, site_blob, snap.exists, snap.listings, snap.suggestions),
        pickle.HIGHEST_PROTOCOL,
    )
    _frame(fh, secret, HEADER_LABEL, header)
    groups: list[dict[str, PageRecord]] = [{} for _ in range(SHARDS)]
    for key, rec in snap.pages.items():
        groups[shard_of(key)][key] = rec
    old = previous.pages if previous is not None and len(previous.shard_blobs) == SHARDS else None
    for i, group in enumerate(groups):
        if (
            old is not None
            and previous is not None
            and len(group) == previous.shard_sizes[i]
            and all(old.get(key) is rec for key, rec in group.items())
        ):
            # not a page of it changed: its bytes and tag as read
            _frame(fh, secret, b"", previous.shard_blobs[i], previous.shard_tags[i])
            continue
        # (messages shared by intern_rows(), or read from one shard, are one object: pickled once)
        blob = pickle.dumps(
            {key: tuple(getattr(rec, name) for name in _FIELDS) for key, rec in group.items()},
            pickle.HIGHEST_PROTOCOL,
        )
        _frame(fh, secret, _shard_label(i), blob)


def load(path: Path) -> Snapshot | None:
    """The snapshot at ``path``, or None if there is none, or it is not a regular file, or a frame
    is damaged or was not written with this user's key (nothing of it is unpickled then)."""
    secret = trust.key()
    if secret is None:
        return None
    fh = trust.open_regular(path)
    if fh is None:
        return None
    try:
        with fh:
            left = [os.fstat(fh.fileno()).st_size - len(MAGIC)]
            if fh.read(len(MAGIC)) != MAGIC:
                return None
            header, _ = _read_frame(fh, secret, HEADER_LABEL, left)
            frames = [_read_frame(fh, secret, _shard_label(i), left) for i in range(SHARDS)]
        shards, site_blob, exists, listings, suggestions = pickle.loads(header)
        if shards != SHARDS:
            return None
        snap = Snapshot(
            site_findings=None if site_blob is None else pickle.loads(site_blob),
            exists=exists,
            listings=listings,
            suggestions=suggestions,
            shard_blobs=[blob for blob, _ in frames],
            shard_tags=[mac for _, mac in frames],
            site_blob=site_blob,
        )
        pages = snap.pages
        for blob, _ in frames:
            group = pickle.loads(blob)
            snap.shard_sizes.append(len(group))
            for key, fields in group.items():
                pages[key] = PageRecord(*fields)
        return snap
    except Exception:
        return None
