"""`storefront deploy`: a built site into an S3-compatible bucket, changing only what changed.

The steps: read the site (every file's digest and headers), read the bucket (the listing, and the
manifest of what the last deploys put there), plan (upload what is new or different, delete what
the site no longer has), then carry it out: assets, then pages, then the lists of pages, then the
deletions. The manifest is written at the end, and also when a run fails part-way, with only what
really landed; objects that landed in a run killed outright carry their digest in their own
metadata, so the next run finds them and completes the deploy without sending them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from generator.errors import StorefrontError
from generator.hosting import bucket
from generator.hosting.bucket import Target
from generator.hosting.objects import ASSETS, LISTS, PAGES, SiteObject, published, site_objects
from generator.messages import say
from generator.progress import Progress, report

JOBS = 8
"""Requests in flight at once: uploads are bound by the network's round trips, not by this machine."""

Item = TypeVar("Item")
Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Plan:
    """What a deploy changes in the bucket."""

    uploads: tuple[SiteObject, ...]
    """In the order they go up: by tier (assets, pages, lists of pages), then by key."""
    new: frozenset[str]
    """The keys of uploads that the bucket does not have yet (the others replace an object)."""
    unchanged: tuple[SiteObject, ...]
    deletions: tuple[str, ...]
    """Keys (relative to the prefix) that the site no longer has."""
    known: dict[str, dict]
    """What each object already in the bucket is (state and ETag), as far as it is known."""
    recorded: dict[str, dict]
    """The manifest as the bucket holds it: rewritten only when it would say something else."""


@dataclass(frozen=True)
class Result:
    plan: Plan
    uploaded: int
    sent: int
    """Bytes sent, as they went up (compressed where they were)."""
    deleted: int


def plan(
    objects: list[SiteObject],
    listing: dict[str, str],
    known: dict[str, dict],
    recorded: dict[str, dict],
    keep: tuple[str, ...] = (),
) -> Plan:
    """Compare the site with the bucket: `listing` is every remote key and its ETag, `known` the
    state of those whose state is known (from the manifest or the object's own metadata),
    `recorded` the manifest as read; nothing under a folder of `keep` is deleted."""
    local = {item.key for item in objects}
    changed = [item for item in objects if _differs(item, known.get(item.key))]
    return Plan(
        uploads=tuple(sorted(changed, key=lambda item: (item.tier, item.key))),
        new=frozenset(item.key for item in changed if item.key not in listing),
        unchanged=tuple(item for item in objects if not _differs(item, known.get(item.key))),
        deletions=tuple(
            sorted(key for key in listing if key not in local and published(key) and not key.startswith(keep))
        ),
        known=known,
        recorded=recorded,
    )


def _differs(item: SiteObject, remote: dict | None) -> bool:
    return remote is None or any(remote.get(name) != value for name, value in item.state.items())


def deploy(
    site_dir: Path,
    target: Target,
    *,
    compress: bool = False,
    dry_run: bool = False,
    keep: tuple[str, ...] = (),
    progress: Progress = report,
) -> Result:
    """Deploy the built site at `site_dir` to `target`; with `dry_run`, only plan it. Objects under
    the folders of `keep` (relative to the prefix, ending in '/') are the bucket's, never deleted:
    the province shards' folders, when the national index is deployed at the bucket's root."""
    if not (site_dir / "index.html").is_file():
        raise StorefrontError(say("deploy.not_a_site", folder=site_dir))
    connection = bucket.client(target)
    if connection is None:
        raise StorefrontError(say("deploy.no_credentials"))
    s3, secrets = connection
    try:
        objects = site_objects(site_dir, compress=compress)
        listing = bucket.listed(s3, target)
        recorded = bucket.read_manifest(s3, target)
        known = _known(s3, target, listing, recorded, {item.key for item in objects})
        planned = plan(objects, listing, known, recorded, keep)
        if dry_run:
            return Result(planned, 0, 0, 0)
        return _carry_out(s3, target, planned, progress)
    except (BotoCoreError, ClientError, OSError) as error:
        raise _told(error, target, secrets) from None


def _known(s3, target: Target, listing: dict[str, str], manifest: dict[str, dict], local: set[str]) -> dict[str, dict]:
    """The state of each remote object the site also has: the manifest's entry while its ETag is
    still the object's, else the object's own headers (one HEAD each, only after a cut-off run or
    a change made by someone else)."""
    known = {key: entry for key, entry in manifest.items() if key in listing and entry.get("etag") == listing[key]}
    unknown = sorted(key for key in listing if key in local and key not in known)
    known.update(_each(lambda key: bucket.head_state(s3, target, key), unknown))
    return known


def _carry_out(s3, target: Target, planned: Plan, progress: Progress) -> Result:
    entries = {key: dict(entry) for key, entry in planned.known.items()}
    uploaded = sent = deleted = 0
    failed = True
    try:
        for tier in (ASSETS, PAGES, LISTS):
            batch = [item for item in planned.uploads if item.tier == tier]
            for item, (etag, size) in _each(lambda item: bucket.put(s3, target, item), batch):
                entries[item.key] = {**item.state, "etag": etag}
                uploaded, sent = uploaded + 1, sent + size
                progress("upload", uploaded, len(planned.uploads))
        for key, _ in _each(lambda key: bucket.delete(s3, target, key), planned.deletions):
            entries.pop(key, None)
            deleted += 1
        failed = False
    finally:
        if entries != planned.recorded:
            try:
                bucket.write_manifest(s3, target, entries)
            except Exception:
                # In a run that failed, its own failure is the one to tell; what landed carries
                # its digest in its metadata, so the next run finds it all the same.
                if not failed:
                    raise
    return Result(planned, uploaded, sent, deleted)


def _each(work: Callable[[Item], Answer], items: Iterable[Item]) -> Iterator[tuple[Item, Answer]]:
    """`work` on every item, JOBS at a time, yielding (item, answer) as each finishes. On the first
    failure no new item starts; those in flight finish (and are yielded: they did land), then the
    failure is raised."""
    items = list(items)
    if not items:
        return
    with ThreadPoolExecutor(max_workers=min(JOBS, len(items))) as pool:
        futures = {pool.submit(work, item): item for item in items}
        pending = set(futures)
        failure = None
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                if future.cancelled():
                    continue
                if future.exception() is not None:
                    failure = failure or future.exception()
                    continue
                yield futures[future], future.result()
            if failure is not None:
                for future in pending:
                    future.cancel()
        if failure is not None:
            raise failure


def _told(error: Exception, target: Target, secrets: tuple[str, ...]) -> StorefrontError:
    """A bucket's or a connection's failure in the catalogue's words, with no secret in them."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket",):
            return StorefrontError(say("deploy.no_bucket", bucket=target.bucket))
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            return StorefrontError(say("deploy.denied", address=target.address, error=_hidden(error, secrets)))
    if isinstance(error, EndpointConnectionError):
        return StorefrontError(say("deploy.unreachable", endpoint=target.endpoint_url or "AWS S3"))
    return StorefrontError(say("deploy.failed", address=target.address, error=_hidden(error, secrets)))


def _hidden(error: Exception, secrets: tuple[str, ...]) -> str:
    text = str(error)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def summary(result: Result, target: Target, *, dry_run: bool = False) -> str:
    """What a deploy did (or, in a dry run, would do), in the spoken language; a dry run lists
    each change first: `+ key` new, `~ key` replaced, `- key` deleted."""
    planned = result.plan
    lines = []
    if dry_run:
        lines += [f"{'+' if item.key in planned.new else '~'} {item.key}" for item in planned.uploads]
        lines += [f"- {key}" for key in planned.deletions]
    uploaded = len(planned.uploads) if dry_run else result.uploaded
    sent = sum(item.size for item in planned.uploads) if dry_run else result.sent
    deleted = len(planned.deletions) if dry_run else result.deleted
    lines.append(
        say(
            "deploy.dry_run" if dry_run else "deploy.done",
            address=target.address,
            uploaded=uploaded,
            s="" if uploaded == 1 else "s",
            size=byte_size(sent),
            unchanged=len(planned.unchanged),
            deleted=deleted,
        )
    )
    return "\n".join(lines)


def byte_size(count: int) -> str:
    """Bytes as a person reads them: 812 B, 3.4 kB, 27.9 MB (decimal units, as hosts bill them)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} B"
