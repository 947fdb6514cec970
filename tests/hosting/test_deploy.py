"""`storefront deploy` against a real S3 server (moto's, on loopback, started here): the sample site
uploaded with its types and caching, a second deploy that sends nothing, one changed file sent
alone, a deleted page deleted, runs cut off (refused part-way, killed) completed by the next run,
and credentials that are missing told, never a secret printed."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from generator.errors import StorefrontError
from generator.hosting.bucket import MANIFEST, Target, client
from generator.hosting.deploy import byte_size, deploy
from generator.hosting.objects import IMMUTABLE, SHORT, cache_control, content_type, site_objects
from generator.messages import say, speaking
from tests.conftest import FIXED_EPOCH, run_storefront
from tests.hosting.s3server import S3Server

SECRET = "not-a-real-secret-0123456789"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "storefront-test", "AWS_SECRET_ACCESS_KEY": SECRET}
BUNDLE = "assets/javascripts/bundle."  # Material's script, named by its digest


@pytest.fixture(scope="module")
def server():
    with S3Server() as running:
        yield running


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    """Credentials from the environment only: no profile, no ~/.aws, no instance metadata (whose
    address is not to be reached from here)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "BOTO_CONFIG"):
        monkeypatch.setenv(name, str(tmp_path / "none"))
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def target(server):
    """A fresh bucket of its own for each test, reached by path (a loopback server has no DNS names)."""
    name = f"shop-{uuid.uuid4().hex[:12]}"
    target = Target(bucket=name, endpoint_url=server.url, region="us-east-1", addressing_style="path")
    s3(target).create_bucket(Bucket=name)
    server.puts.clear()
    server.headers.clear()
    server.refuse_after = None
    server.delay = 0.0
    return target


def s3(target: Target):
    """The tests' own look at the bucket, with credentials of their own."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=target.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=SECRET,
    )


def remote(target: Target) -> dict[str, dict]:
    """Every object of the bucket under the target's prefix: key -> its head."""
    client = s3(target)
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        keys += [item["Key"] for item in page.get("Contents", ())]
    return {key[len(target.prefix) :]: client.head_object(Bucket=target.bucket, Key=key) for key in keys}


def body(target: Target, key: str) -> bytes:
    return s3(target).get_object(Bucket=target.bucket, Key=target.prefix + key)["Body"].read()


def published_files(site: Path) -> dict[str, Path]:
    return {item.key: item.path for item in site_objects(site, compress=False)}


@pytest.fixture
def site(sample_site, tmp_path) -> Path:
    """A copy of the sample site that a test may change (the session's own is only read)."""
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    return copy


def test_types_and_caching_by_name():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("live/calendar.ics") == "text/calendar; charset=utf-8"
    assert content_type("feed.xml") == "application/xml; charset=utf-8"
    assert content_type("search_index.json") == "application/json; charset=utf-8"
    assert content_type("bundle.a5f9d56c.min.js") == "text/javascript; charset=utf-8"
    assert content_type("tea-640.webp") == "image/webp" and content_type("tea-640.avif") == "image/avif"
    assert content_type("font.woff2") == "font/woff2" and content_type("sitemap.xml.gz") == "application/gzip"
    assert content_type("notes.unknownsuffix") == "application/octet-stream"
    assert cache_control("assets/javascripts/bundle.a5f9d56c.min.js") == IMMUTABLE
    assert cache_control("assets/stylesheets/main.57a0d79d.min.css.map") == IMMUTABLE
    assert cache_control("villages/x/images/harvest.20240315.jpg") == SHORT  # a date, not a digest
    assert cache_control("villages/x/images/tea-640.webp") == SHORT
    assert cache_control("index.html") == cache_control("schedule/feed.xml") == SHORT


def test_oss_and_cos_are_reached_by_virtual_host_and_a_local_server_by_path():
    oss = Target(bucket="village-shop", endpoint_url="https://s3.oss-cn-hangzhou.aliyuncs.com", region="cn-hangzhou")
    local = Target(bucket="village-shop", endpoint_url="http://127.0.0.1:9", addressing_style="path")
    for target, address in ((oss, "https://village-shop.s3.oss-cn-hangzhou.aliyuncs.com/a.html?"),
                            (local, "http://127.0.0.1:9/village-shop/a.html?")):  # fmt: skip
        s3_client, secrets = client(target)
        assert secrets == (CREDENTIALS["AWS_ACCESS_KEY_ID"], SECRET)
        url = s3_client.generate_presigned_url("get_object", Params={"Bucket": "village-shop", "Key": "a.html"})
        assert url.startswith(address), url


def test_the_sample_site_is_deployed_with_types_caching_and_order(sample_site, target, server):
    result = deploy(sample_site, target)
    files = published_files(sample_site)
    objects = remote(target)
    assert set(objects) == set(files) | {MANIFEST}
    assert result.uploaded == len(files) and not result.plan.unchanged and result.deleted == 0
    for key in ("index.html", "404.html", "villages/huangdu-white-tea/index.html"):
        assert objects[key]["ContentType"] == "text/html; charset=utf-8"
        assert objects[key]["CacheControl"] == SHORT
        assert body(target, key) == files[key].read_bytes()
    assert objects["schedule/calendar.ics"]["ContentType"] == "text/calendar; charset=utf-8"
    assert objects["search/search_index.json"]["ContentType"] == "application/json; charset=utf-8"
    webp = next(key for key in files if key.endswith(".webp"))
    assert objects[webp]["ContentType"] == "image/webp" and objects[webp]["CacheControl"] == SHORT
    bundle = next(key for key in files if key.startswith(BUNDLE) and key.endswith(".js"))
    assert objects[bundle]["CacheControl"] == IMMUTABLE
    assert all("ContentEncoding" not in head for head in objects.values())
    # assets first, then pages, then what lists pages (feeds, calendars, sitemap, search), the manifest last
    order = [put.split("/", 1)[1] for put in server.puts]
    pages = [i for i, key in enumerate(order) if key.endswith(".html")]
    lists = [i for i, key in enumerate(order) if key.endswith((".xml", ".ics", ".xml.gz", "search_index.json"))]
    assets = [i for i in range(len(order) - 1) if i not in pages and i not in lists]
    assert max(assets) < min(pages) and max(pages) < min(lists) and order[-1] == MANIFEST
    # no checksum trailers in aws-chunked bodies, which S3-compatible hosts do not all take
    assert not [h for h in server.headers if "aws-chunked" in h.get("content-encoding", "") or "x-amz-trailer" in h]
    assert not [h for h in server.headers if any(name.startswith("x-amz-checksum") for name in h)]
    # nothing changed: nothing is sent, not even the manifest
    server.puts.clear()
    again = deploy(sample_site, target)
    assert again.uploaded == 0 and len(again.plan.unchanged) == len(files) and server.puts == []


def test_text_goes_up_gzipped_when_asked(sample_site, target):
    deploy(sample_site, target, compress=True)
    files = published_files(sample_site)
    objects = remote(target)
    for key in ("index.html", "assets/stylesheets/storefront.css", "schedule/feed.xml", "search/search_index.json"):
        assert objects[key]["ContentEncoding"] == "gzip", key
        assert gzip.decompress(body(target, key)) == files[key].read_bytes()
    image = next(key for key in files if key.endswith(".jpg"))
    assert "ContentEncoding" not in objects[image] and body(target, image) == files[image].read_bytes()
    assert "ContentEncoding" not in objects["sitemap.xml.gz"]  # already a gzip file: served as one
    assert objects["sitemap.xml.gz"]["ContentType"] == "application/gzip"
    # the same site uncompressed is a change of every text object, and of nothing else
    result = deploy(sample_site, target)
    texts = {key for key in files if objects[key].get("ContentEncoding") == "gzip"}
    assert {item.key for item in result.plan.uploads} == texts


def test_only_the_changed_file_goes_up_and_a_deleted_page_is_deleted(site, target, server):
    prefixed = Target(**{**target.__dict__, "prefix": "cooperative/"})
    deploy(site, prefixed)
    stylesheet = site / "assets/stylesheets/storefront.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* spring */\n", encoding="utf-8")
    page = next(path for path in sorted(site.glob("villages/*/products/*/index.html")))
    page_key = page.relative_to(site).as_posix()
    page.unlink()
    server.puts.clear()
    result = deploy(site, prefixed)
    folder = f"{target.bucket}/cooperative"
    assert server.puts == [f"{folder}/assets/stylesheets/storefront.css", f"{folder}/{MANIFEST}"]
    assert result.uploaded == 1 and result.deleted == 1 and result.plan.deletions == (page_key,)
    objects = remote(prefixed)
    assert page_key not in objects and page_key.replace("index.html", "share.jpg") in objects
    assert body(prefixed, "assets/stylesheets/storefront.css") == stylesheet.read_bytes()
    assert set(objects) == set(published_files(site)) | {MANIFEST}


def test_a_dry_run_lists_the_changes_and_changes_nothing(site, target, server):
    deploy(site, target)
    (site / "index.html").write_text("<!doctype html><title>new</title>", encoding="utf-8")
    (site / "schedule/feed.xml").unlink()
    (site / "extra.txt").write_text("new", encoding="utf-8")
    before = {key: head["ETag"] for key, head in remote(target).items()}
    server.puts.clear()
    result = run_storefront(
        "deploy", "--site-dir", str(site), "--bucket", target.bucket, "--endpoint-url", target.endpoint_url,
        "--region", "us-east-1", "--addressing-style", "path", "--dry-run", "--lang", "en",
        cwd=site.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["+ extra.txt", "~ index.html", "- schedule/feed.xml"]
    assert lines[-1].startswith(f"dry run, nothing changed: s3://{target.bucket}/ would get 2 files uploaded")
    assert server.puts == [] and {key: head["ETag"] for key, head in remote(target).items()} == before


def test_a_run_refused_part_way_records_what_landed_and_the_next_completes_it(sample_site, target, server):
    files = published_files(sample_site)
    server.refuse_after = 40
    with speaking("zh"), pytest.raises(StorefrontError) as refused:
        deploy(sample_site, target)
    assert "拒绝了访问" in str(refused.value) and SECRET not in str(refused.value)
    landed = {key: head["ETag"].strip('"') for key, head in remote(target).items() if key != MANIFEST}
    assert len(landed) == 40
    manifest = json.loads(body(target, MANIFEST))["objects"]
    assert {key: entry["etag"] for key, entry in manifest.items()} == landed  # only what really landed
    server.refuse_after = None
    server.puts.clear()
    result = deploy(sample_site, target)
    sent = {put.split("/", 1)[1] for put in server.puts} - {MANIFEST}
    assert sent == set(files) - set(landed) and result.uploaded == len(files) - 40
    assert set(remote(target)) == set(files) | {MANIFEST}
    assert deploy(sample_site, target).uploaded == 0


def _cli(site: Path, target: Target) -> list[str]:
    return [
        sys.executable, "-m", "generator", "deploy", "--site-dir", str(site), "--bucket", target.bucket,
        "--endpoint-url", target.endpoint_url, "--region", "us-east-1", "--addressing-style", "path",
    ]  # fmt: skip


def test_a_killed_deploy_is_completed_by_the_next_run_of_the_command(sample_site, target, server):
    files = published_files(sample_site)
    server.delay = 0.02  # slow enough to be killed in the middle
    environment = {**os.environ, "LANG": "C.UTF-8", "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    command = _cli(sample_site, target)
    with subprocess.Popen(command, cwd=sample_site.parent, env=environment, stdout=subprocess.PIPE) as process:
        deadline = time.monotonic() + 60
        while len(server.puts) < 60 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    server.settled()
    server.delay = 0.0
    landed = set(remote(target))
    assert MANIFEST not in landed and 60 <= len(landed) < len(files)
    server.puts.clear()
    result = run_storefront(*command[3:], cwd=sample_site.parent)
    assert result.returncode == 0, result.stderr
    sent = {put.split("/", 1)[1] for put in server.puts} - {MANIFEST}
    assert sent == set(files) - landed  # what landed before the kill is found by its own digest
    size = byte_size(sum(files[key].stat().st_size for key in sent))
    counts = {"uploaded": len(sent), "s": "s", "size": size, "unchanged": len(landed), "deleted": 0}
    said = say("deploy.done", "zh", address=target.address, **counts)
    assert result.stdout.strip().splitlines()[-1] == said
    assert set(remote(target)) == set(files) | {MANIFEST}
    again = run_storefront(*command[3:], cwd=sample_site.parent)
    assert "上传 0 个文件（0 B）" in again.stdout and SECRET not in again.stdout + again.stderr


def test_missing_credentials_are_told_in_the_sites_language(sample_site, target, monkeypatch, server):
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    result = run_storefront(*_cli(sample_site, target)[3:], cwd=sample_site.parent)
    assert result.returncode == 1 and result.stderr.strip() == say("deploy.no_credentials", "zh")
    english = run_storefront(*_cli(sample_site, target)[3:], "--lang", "en", cwd=sample_site.parent)
    assert english.returncode == 1 and "no storage credentials found" in english.stderr
    assert server.puts == [] and remote(target) == {}


def test_a_missing_bucket_and_a_folder_that_is_no_site_are_told(sample_site, target, tmp_path):
    missing = Target(**{**target.__dict__, "bucket": "no-such-bucket"})
    result = run_storefront(*_cli(sample_site, missing)[3:], cwd=sample_site.parent)
    assert result.returncode == 1 and "存储桶 'no-such-bucket' 不存在" in result.stderr
    assert SECRET not in result.stdout + result.stderr and "Traceback" not in result.stderr
    with speaking("en"), pytest.raises(StorefrontError, match="is not a built site"):
        deploy(tmp_path, target)


def test_the_index_at_the_root_keeps_the_shards_folders_it_is_told_to_keep(site, target, server):
    # The shards' workflow deploys each province into a folder and the national index at the root,
    # in one bucket: a plain deploy at the root would delete the provinces, which its site lacks.
    shard = Target(**{**target.__dict__, "prefix": "zhejiang/"})
    deploy(site, shard)
    index = site.parent / "index"
    index.mkdir()
    shutil.copy(site / "index.html", index / "index.html")
    assert deploy(index, target, dry_run=True).plan.deletions  # without --keep: the province would go
    result = deploy(index, target, keep=("zhejiang/",))
    assert result.deleted == 0
    assert set(remote(shard)) == set(published_files(site)) | {MANIFEST}  # the province is whole
    assert "index.html" in remote(target)
