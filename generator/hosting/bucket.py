"""The bucket as the deploy sees it, through boto3: what objects are under the prefix and what each
of them is (the manifest the deploy keeps there, checked against the listing), and the few calls
that change it. Works with any S3 endpoint: Alibaba Cloud OSS, Tencent COS, AWS S3, MinIO.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.hosting.objects import SiteObject

MANIFEST = ".storefront-deploy.json"
"""The manifest's key under the prefix: what each object the deploy put there is (digest and
headers) with the ETag it got. A dotfile: never a page, never deleted as one."""
MANIFEST_VERSION = 1
DIGEST_METADATA = "storefront-sha256"
"""The digest also travels with each object (x-amz-meta-storefront-sha256), so an object that
landed before a run was cut off is known without its manifest entry."""


@dataclass(frozen=True)
class Target:
    """Where a site is deployed: a bucket, the folder in it, and how to reach it."""

    bucket: str
    prefix: str = ""
    """`village/` for a site under a folder of the bucket; empty for its root."""
    endpoint_url: str | None = None
    """None for AWS S3; `https://s3.oss-cn-hangzhou.aliyuncs.com`, `https://cos.ap-guangzhou.myqcloud.com`..."""
    region: str | None = None
    addressing_style: str = "virtual"
    """`virtual` (bucket.host/key: all that OSS and COS accept) or `path` (host/bucket/key: MinIO, local servers)."""

    def key(self, relative: str) -> str:
        return self.prefix + relative

    @property
    def address(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def normalized_prefix(prefix: str | None) -> str:
    """`/shop/`, `shop` and `shop/` all mean the folder `shop/`; nothing means the bucket's root."""
    prefix = (prefix or "").strip("/")
    return f"{prefix}/" if prefix else ""


def client(target: Target):
    """A boto3 S3 client for `target` with the credentials of the environment (the standard chain:
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role), and the secrets to keep out
    of every message; None when there are no credentials."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    credentials = session.get_credentials()
    if credentials is None:
        return None
    frozen = credentials.get_frozen_credentials()
    secrets = tuple(value for value in (frozen.access_key, frozen.secret_key, frozen.token) if value)
    config = Config(
        s3={"addressing_style": target.addressing_style},
        signature_version="s3v4",
        # botocore 1.36 began sending CRC checksums on every upload, in a way (aws-chunked bodies)
        # that S3-compatible hosts do not all accept; only where an operation requires one
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=16,
    )
    s3 = session.client("s3", endpoint_url=target.endpoint_url, region_name=target.region, config=config)
    return s3, secrets


def listed(s3, target: Target) -> dict[str, str]:
    """Every object under the prefix (but the manifest): key relative to the prefix -> its ETag.
    An ETag is only compared with the one recorded when it was put: it is an MD5 only for some
    uploads (not multipart ones, not on every host), so it is never taken for a digest."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", ()):
            relative = item["Key"][len(target.prefix) :]
            if relative != MANIFEST:
                found[relative] = _etag(item["ETag"])
    return found


def read_manifest(s3, target: Target) -> dict[str, dict]:
    """The manifest's entries (relative key -> state and etag); none when it is missing or unreadable."""
    from botocore.exceptions import ClientError

    try:
        body = s3.get_object(Bucket=target.bucket, Key=target.key(MANIFEST))["Body"].read()
        manifest = json.loads(body)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return {}  # the first deploy
        raise
    except ValueError:  # damaged: every object is looked at again, nothing is lost
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        return {}
    return manifest.get("objects") or {}


def write_manifest(s3, target: Target, entries: dict[str, dict]) -> None:
    document = {"version": MANIFEST_VERSION, "objects": dict(sorted(entries.items()))}
    s3.put_object(
        Bucket=target.bucket,
        Key=target.key(MANIFEST),
        Body=json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
        ContentType="application/json; charset=utf-8",
        CacheControl="no-store",
    )


def head_state(s3, target: Target, relative: str) -> dict | None:
    """What an object is, read from its own headers (for one the manifest does not know)."""
    head = s3.head_object(Bucket=target.bucket, Key=target.key(relative))
    return {
        "sha256": head.get("Metadata", {}).get(DIGEST_METADATA),
        "type": head.get("ContentType"),
        "cache": head.get("CacheControl"),
        "encoding": head.get("ContentEncoding"),
        "etag": _etag(head["ETag"]),
    }


def put(s3, target: Target, item: SiteObject) -> tuple[str, int]:
    """Upload one file as its object (one PUT: a site's files are far below the 5 GB it takes);
    its ETag and the bytes sent."""
    body = item.body()
    extra = {"ContentEncoding": item.content_encoding} if item.content_encoding else {}
    answer = s3.put_object(
        Bucket=target.bucket,
        Key=target.key(item.key),
        Body=body,
        ContentType=item.content_type,
        CacheControl=item.cache_control,
        Metadata={DIGEST_METADATA: item.sha256},
        **extra,
    )
    return _etag(answer["ETag"]), len(body)


def _etag(value: str) -> str:
    """An ETag as one string whether a host sends it quoted (as HTTP says) or not."""
    return value.strip('"')


def delete(s3, target: Target, relative: str) -> None:
    # One DeleteObject per key rather than DeleteObjects: the batch call needs a checksum header
    # that newer botocore computes in a way some S3-compatible hosts refuse.
    s3.delete_object(Bucket=target.bucket, Key=target.key(relative))
