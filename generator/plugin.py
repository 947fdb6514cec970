"""The MkDocs glue: each event hands over to a module function that works without MkDocs."""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import timedelta
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import CountHandler

from generator.build import AtomicOutput, Prepared, prepare, unsafe_output
from generator.checking import load_registries, thresholds_from
from generator.config import VILLAGES_ENV, VillagesConfig, lint_config
from generator.errors import StorefrontError
from generator.pages import render_page, render_site_head
from generator.progress import Progress
from generator.schema import json_schema


class LinkedFile(File):
    """An image from the cache, hard-linked into the site instead of copied.

    Every build writes a fresh site folder (see AtomicOutput), so without links each build would
    copy every image again: at 1,000 villages, tens of thousands of files and gigabytes. Cache files
    are never changed in place (they are written beside their name and renamed), so a link is as
    safe as a copy. Across file systems, where links cannot go, the file is copied.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if self.abs_src_path is None:
            return super().copy_file(dirty)
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        try:
            if os.path.lexists(output):
                os.unlink(output)
            os.link(self.abs_src_path, output)
        except OSError:
            shutil.copyfile(self.abs_src_path, output)


class VillagesPlugin(BasePlugin[VillagesConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self.prepared: Prepared | None = None
        self.output: AtomicOutput | None = None
        self.warnings: CountHandler | None = None
        self.progress: Progress | None = None
        """Set by `storefront build` to show progress on long steps."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        # `storefront --villages DIR` reaches the plugin through the environment, so that MkDocs'
        # own serve command (which loads the config itself) honours it too.
        self.villages_dir = root / os.environ.get(VILLAGES_ENV, self.config.villages_dir)
        try:
            self.prepared = prepare(
                self.villages_dir,
                cache_dir=root / self.config.cache_dir,
                site_name=config.site_name,
                site_url=config.site_url,
                language=config.theme.get("language") or "zh",
                site_colors=(self.config.colors.primary, self.config.colors.accent),
                schedule_window=(timedelta(weeks=self.config.schedule_weeks_back),
                                 timedelta(weeks=self.config.schedule_weeks_ahead)),
                progress=self.progress,
                max_image_pixels=self.config.max_image_pixels,
                lint=lint_config(self.config.lint),
                registries=load_registries(self.config.check.registries, root),
                thresholds=thresholds_from(self.config.check.thresholds),
                fail_on=self.config.check.fail_on,
            )
        except StorefrontError as error:
            raise PluginError(str(error)) from None
        self.site_dir = Path(config.site_dir)  # where the site ends up, whatever folder it is built in
        protected = {"the project folder": root, "the villages folder": self.villages_dir,
                     "the cache folder": root / self.config.cache_dir, "the docs folder": Path(config.docs_dir)}
        if problem := unsafe_output(Path(config.site_dir), protected):
            raise PluginError(problem)
        if self.config.atomic and self.command != "serve":
            self.output = AtomicOutput(Path(config.site_dir))
            config.site_dir = str(self.output.staging)
        if config.strict:
            # MkDocs counts strict-mode warnings only after post_build; count them ourselves so
            # that a build about to be refused never replaces the site.
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.prepared
        self._by_uri = {p.src_uri: p for p in self.prepared.pages}
        self._rendered = 0
        for page in self.prepared.pages:
            files.append(File.generated(config, page.src_uri, content=page.search_stub(),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        for url, source in sorted(self.prepared.files.items()):
            if isinstance(source, bytes):
                files.append(File.generated(config, url, content=source))
            else:
                files.append(LinkedFile.generated(config, url, abs_src_path=str(source)))
        schema = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
        files.append(File.generated(config, "village.schema.json", content=schema))
        return files

    def on_page_context(self, context, *, page, config, nav):
        if self.prepared and (spec := self._by_uri.get(page.file.src_uri)):
            context["sf"] = render_page(spec, self.prepared.site)
            self._rendered += 1
            if self.progress:
                self.progress("pages", self._rendered, len(self._by_uri))
        elif self.prepared:
            context["sf_site_head"] = render_site_head(self.prepared.site)
        return context

    def on_template_context(self, context, *, template_name, config):
        # Theme pages without a page of their own (404.html) wear the site's colours too.
        if self.prepared:
            context["sf_site_head"] = render_site_head(self.prepared.site)
        return context

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        compact_search_index(Path(config.site_dir) / "search" / "search_index.json")
        for memo in self.prepared.after_render if self.prepared else ():
            memo.save()
        if self.warnings and self.warnings.get_counts():
            self._discard()  # MkDocs is about to abort the strict build
        elif self.output:
            self.output.commit()
            self.output = None
        self._detach()

    def on_build_error(self, *, error: Exception) -> None:
        self._discard()
        self._detach()

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.villages_dir))  # a changed profile or photo rebuilds the site
        return server

    def _discard(self) -> None:
        if self.output:
            self.output.abort()
            self.output = None

    def _detach(self) -> None:
        if self.warnings:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None


def compact_search_index(path: Path) -> None:
    """The search index in UTF-8 rather than ASCII escapes: Material writes every Chinese character
    (and jieba's zero-width separators) as a six-byte \\uXXXX, so the file a phone downloads and
    parses is about 40% smaller this way, with the same content."""
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no search plugin, or not its index: nothing to compact
    try:
        data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate has no UTF-8 form: the escaped index stays as it is
    path.write_bytes(data)
