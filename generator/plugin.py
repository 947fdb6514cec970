"""The MkDocs glue: each event hands over to a module function that works without MkDocs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import CountHandler

from generator import messages, progress
from generator.build import Prepared, prepare
from generator.config import VillagesConfig, settings_of
from generator.errors import StorefrontError
from generator.output import AtomicOutput, LinkedFile, compact_search_index, recover_leftovers, unsafe_output
from generator.profile.schema import json_schema
from generator.site.render import render_page, render_site_head
from generator.words import say


class VillagesPlugin(BasePlugin[VillagesConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self.prepared: Prepared | None = None
        self.output: AtomicOutput | None = None
        self.warnings: CountHandler | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        settings = settings_of(config)
        messages.speak(settings.language, chosen=False)  # `mkdocs build` speaks the site's language
        self.villages_dir = settings.villages_dir
        self.site_dir = Path(config.site_dir)  # where the site ends up, whatever folder it is built in
        protected = {
            "the project folder": settings.root,
            "the villages folder": settings.villages_dir,
            "the cache folder": settings.cache_dir,
            "the docs folder": Path(config.docs_dir),
        }
        # Before any work: a build replaces its site folder whole (serve builds in a folder of its own).
        if self.command != "serve":
            if problem := unsafe_output(self.site_dir, protected):
                raise PluginError(problem)
            recover_leftovers(self.site_dir)  # first: a build that fails next still puts a site back
        try:
            self.prepared = prepare(settings, progress=progress.report)
        except StorefrontError as error:
            raise PluginError(str(error)) from None
        if settings.atomic and self.command != "serve":
            self.output = AtomicOutput(self.site_dir)
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
            files.append(
                File.generated(config, page.src_uri, content=page.search_stub(), inclusion=InclusionLevel.NOT_IN_NAV)
            )
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
            progress.report("pages", self._rendered, len(self._by_uri))
        elif self.prepared:
            context["sf_site_head"] = render_site_head(self.prepared.site)
        return context

    def on_template_context(self, context, *, template_name, config):
        # Theme pages without a page of their own (404.html) wear the site's colours too.
        if self.prepared:
            context["sf_site_head"] = render_site_head(self.prepared.site)
            language = self.prepared.site.language
            context["sf_say"] = lambda key, **values: say(language, key, **values)
        return context

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        compact_search_index(Path(config.site_dir) / "search" / "search_index.json")
        if self.prepared and self.prepared.caches:
            self.prepared.caches.save()  # the Markdown conversions that rendering added
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
