"""The MkDocs glue: each event hands over to a module function that works without MkDocs; and
`serve`, MkDocs' live-reload server made to show a failed build in the page."""

from __future__ import annotations

import html
import json
import logging
import shutil
import string
import tempfile
from importlib.resources import files as package_files
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import CountHandler

from generator import messages, progress
from generator.build import Prepared, prepare
from generator.config import PLUGIN, PREVIEW_SUFFIX, VillagesConfig, preview_site_dir, read_config, settings_of
from generator.errors import ProfileErrors, StorefrontError
from generator.hosting.budget import unneeded_theme_file
from generator.output import (
    PROJECT,
    AtomicOutput,
    LinkedFile,
    compact_search_index,
    recover_leftovers,
    unsafe_output,
)
from generator.profile.schema import json_schema
from generator.site.render import render_page, render_site_head
from generator.words import say

log = logging.getLogger("mkdocs.plugins.storefront")


class VillagesPlugin(BasePlugin[VillagesConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self.prepared: Prepared | None = None
        self.output: AtomicOutput | None = None
        self.warnings: CountHandler | None = None
        self.failure: StorefrontError | None = None
        """Why the last build stopped, as we said it: `serve` shows it in the page."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.failure = None
        settings = settings_of(config)
        messages.speak(settings.language, chosen=False)  # `mkdocs build` speaks the site's language
        self.villages_dir = settings.villages_dir
        if settings.only and self.command != "serve" and not config.site_dir.endswith(PREVIEW_SUFFIX):
            config.site_dir = str(preview_site_dir(Path(config.site_dir)))  # a preview never replaces a site
        self.site_dir = Path(config.site_dir)  # where the site ends up, whatever folder it is built in
        protected = {
            PROJECT: settings.root,
            "villages": settings.villages_dir,
            "cache": settings.cache_dir,
            "docs": Path(config.docs_dir),
        }
        # Before any work: a build replaces its site folder whole (serve builds in a folder of its own).
        if self.command != "serve":
            if problem := unsafe_output(self.site_dir, protected):
                raise PluginError(problem)
            recover_leftovers(self.site_dir)  # first: a build that fails next still puts a site back
        try:
            self.prepared = prepare(settings, progress=progress.report)
        except StorefrontError as error:
            self.failure = error
            raise PluginError(str(error)) from None
        if shards := self.prepared.site.shards:  # canonical links and the sitemap at the shard's address
            config.site_url = self.prepared.site.url
            if shards.is_index:  # the index has no categories or schedule for the nav to name
                config.nav = _nav_to(config.nav, {p.src_uri for p in self.prepared.pages}, Path(config.docs_dir))
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
        languages = _search_languages(config)
        for unneeded in [f for f in files if unneeded_theme_file(f.src_uri, languages)]:
            files.remove(unneeded)
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


def _nav_to(nav, planned: set[str], docs_dir: Path):
    """mkdocs.yml's nav without the entries that name a page this site lacks (the national index
    of a sharded site has no category or schedule pages)."""
    if not nav:
        return nav

    def exists(target) -> bool:
        if not isinstance(target, str):
            return True  # a section: its pages are MkDocs' to check
        return "://" in target or target in planned or (docs_dir / target).is_file()

    return [item for item in nav if not isinstance(item, dict) or all(exists(t) for t in item.values())]


# --- `storefront serve`: a failed build shown in the page -------------------------------------


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, but a build that failed is shown: every page answers with the
    problems (file, line, what is wrong) instead of waiting for a build that succeeds, which
    MkDocs does ("the server will appear stuck"), and reloads itself when a fixed file builds."""

    failure: bytes | None = None
    """The page of the last build's problems; None when it succeeded."""

    def _serve_request(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path.startswith("/livereload/") or not path.endswith(("/", ".html")):
            return super()._serve_request(environ, start_response)
        with self._epoch_cond:  # a build under way decides what this page is
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            epoch, failure = self._visible_epoch, self.failure
        if failure is None:
            return super()._serve_request(environ, start_response)
        body = self._inject_js_into_html(failure, epoch)  # MkDocs' poller: reloaded by the next build
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("500 Internal Server Error", headers)
        return [body]


def serve(config_file: Path, dev_addr: str, **overrides) -> None:
    """Build the site into a temporary folder and serve it with live reload, as `mkdocs serve`
    does, except that a build error, the first one too, is a page rather than a stall or an exit."""
    from mkdocs.commands.build import build

    site_dir = tempfile.mkdtemp(prefix="storefront-serve-")

    def load() -> MkDocsConfig:
        return read_config(config_file, site_dir=site_dir, dev_addr=dev_addr, **overrides)

    first = load()
    first.plugins.on_startup(command="serve", dirty=False)
    host, port = first.dev_addr
    server = PreviewServer(
        builder=lambda: None, host=host, port=port, root=site_dir, mount_path=urlsplit(first.site_url or "/").path
    )

    def builder(config: MkDocsConfig | None = None) -> None:
        logged = _ErrorsLogged()
        logging.getLogger("mkdocs").addHandler(logged)
        try:
            config = config or load()
            config.site_url = server.url
            build(config, serve_url=server.url)
        except Exception as error:  # whatever stopped the build is shown; the server goes on
            plugin = config.plugins.get(PLUGIN) if config is not None else None
            cause = getattr(plugin, "failure", None) or error
            if isinstance(error, StorefrontError):  # mkdocs.yml itself, read again: not logged yet
                log.error(str(error))
            server.failure = failure_page(cause, logged.messages)
            log.warning(messages.say("serve.showing_failure", url=server.url))
        else:
            server.failure = None
        finally:
            logging.getLogger("mkdocs").removeHandler(logged)

    server.builder = builder
    server.error_handler = lambda code: _error_page(Path(site_dir), code)
    try:
        builder(first)
        server.watch(first.docs_dir)
        server.watch(first.config_file_path)
        server = first.plugins.on_serve(server, config=first, builder=builder)
        for item in first.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        first.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _search_languages(config: MkDocsConfig) -> list[str]:
    """The languages Material's search is set to search in (none without the search plugin)."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    return list(search.config.lang or []) if search else []


def _error_page(site_dir: Path, code: int) -> bytes | None:
    """The site's own page for an error (its 404.html), as `mkdocs serve` serves it."""
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


class _ErrorsLogged(logging.Handler):
    """The errors MkDocs logged during one build (a template's, a strict build's warnings)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def failure_page(cause: Exception, logged: list[str]) -> bytes:
    """The page a failed build serves: each problem with its file and line, in the language the
    command speaks, and a word that the page comes back by itself once the file is fixed."""
    if isinstance(cause, ProfileErrors):
        rows = "".join(
            f'<li><code class="where">{html.escape(_where(p))}</code>'
            + (f' <code class="field">{html.escape(p.field)}</code>' if p.field else "")
            + f"<p>{html.escape(p.message)}</p></li>"
            for p in cause.problems
        )
        details = f'<ol class="problems">{rows}</ol>'
        heading = str(cause).splitlines()[0]
    else:
        text = str(cause) if isinstance(cause, StorefrontError) else "\n".join(logged) or str(cause)
        details = f"<pre>{html.escape(text)}</pre>"
        heading = messages.say("serve.failed")
    template = string.Template(package_files("generator").joinpath("data/build-failed.html").read_text("utf-8"))
    page = template.substitute(
        lang="zh-CN" if messages.spoken() == "zh" else "en",
        title=html.escape(messages.say("serve.failed")),
        heading=html.escape(heading),
        details=details,
        fix=html.escape(messages.say("serve.fix_and_save")),
    )
    return page.encode("utf-8")


def _where(problem) -> str:
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    return where + (f":{problem.column}" if problem.line and problem.column else "")
