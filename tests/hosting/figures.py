"""Figures of `storefront deploy`: a built site deployed to a local S3 server (moto's, on loopback),
first into an empty bucket, then again with nothing changed, plain and with --gzip; each second run
as a ratio of the first of the same run.

    .venv/bin/python -m tests.hosting.figures site/
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from generator.hosting.bucket import Target, client
from generator.hosting.deploy import deploy, summary
from generator.messages import speaking
from tests.hosting.s3server import S3Server


def main(site: Path) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="figures", AWS_SECRET_ACCESS_KEY="figures", AWS_EC2_METADATA_DISABLED="true")
    with S3Server() as server, speaking("en"):
        for compress in (False, True):
            target = Target(f"figures-{int(compress)}", "", server.url, "us-east-1", "path")
            client(target)[0].create_bucket(Bucket=target.bucket)
            seconds = []
            for label in ("first", "no change"):
                started = time.monotonic()
                result = deploy(site, target, compress=compress)
                seconds.append(time.monotonic() - started)
                print(f"gzip={compress!s:5} {label:9}  {summary(result, target)}  {seconds[-1]:.2f} s")
            print(f"gzip={compress!s:5} no change / first: {seconds[1] / seconds[0]:.2f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "site"))
