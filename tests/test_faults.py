"""Faults: a build killed at any moment, a damaged or copied cache, a full disk, two builds at
once, a site folder that is not a site. Each ends with the previous site or the new one in place,
a clean message, and a next build that repairs everything: nothing lost, nothing half written.

Every build here is the real command line in a fresh process (`storefront build`), on two of the
sample villages."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from generator.output import _replace_in_two_steps
from tests.conftest import FIXED_EPOCH, REPO, make_project, run_storefront

VILLAGES = ("huangdu-white-tea", "paimo-danzhai-batik")
CACHE = Path(".cache/storefront")


def _project(tmp: Path) -> Path:
    villages = tmp / "source"
    for slug in VILLAGES:
        shutil.copytree(REPO / "villages" / slug, villages / slug)
    (tmp / "project").mkdir()
    return make_project(tmp / "project", villages)


def _snapshot(site: Path) -> dict[str, str]:
    """Every file of a site, by path, with the SHA-256 of its bytes (dotfiles included)."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _leftovers(project: Path) -> list[str]:
    """What killed builds leave: unfinished site folders beside the site, partial cache files."""
    found = [p.name for p in project.glob(".site.*")]
    found += [str(p.relative_to(project)) for p in (project / CACHE).rglob(".partial-*")]
    return found


def _edit_slogan(project: Path, words: str) -> None:
    profile = project / "villages" / VILLAGES[0] / "village.yml"
    profile.write_text(_with_slogan(profile.read_text(encoding="utf-8"), words), encoding="utf-8")


def _with_slogan(text: str, words: str) -> str:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("slogan:"):
            lines[i] = f"slogan: {json.dumps(words, ensure_ascii=False)}\n"
            while i + 1 < len(lines) and lines[i + 1].startswith((" ", "\t")):
                del lines[i + 1]  # a slogan of zh: and en: lines becomes the one line
            return "".join(lines)
    raise AssertionError("the sample profile has no slogan")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project built once, its site as it was, and the site that the same project builds after
    `_edit_slogan` from nothing (no cache): what every faulted build must end with."""
    tmp = tmp_path_factory.mktemp("faults")
    project = _project(tmp)
    assert (result := run_storefront("build", cwd=project)).returncode == 0, result.stderr
    before = _snapshot(project / "site")
    fresh = _project(tmp_path_factory.mktemp("fresh"))
    _edit_slogan(fresh, "新的一句口号")
    assert (result := run_storefront("build", cwd=fresh)).returncode == 0, result.stderr
    return project, before, _snapshot(fresh / "site")


def _copy(project: Path, tmp: Path) -> Path:
    """The built project copied whole (cache and site), as `cp -a` copies it."""
    target = tmp / "copy"
    subprocess.run(["cp", "-a", str(project), str(target)], check=True)
    (target / "theme").unlink()
    (target / "theme").symlink_to(REPO / "theme")
    return target


def _environment() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def _build_killed_at(project: Path, marker: str | None, after: float = 0.0) -> bool:
    """Start `storefront build` and kill -9 it (and its image workers) when its output shows
    `marker`, `after` seconds later; True if it was killed before it finished."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build"],
        cwd=project,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr
    if marker:
        for line in process.stderr:
            if marker in line:
                break
    time.sleep(after)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    process.stderr.close()
    return killed


# The stages of a build, as its output shows them: reading, the photos, the images, the pages
# (the swap follows), and moments between them.
KILL_POINTS = [
    ("INFO", 0.0),
    ("Read ", 0.0),
    ("photos:", 0.0),
    ("images:", 0.0),
    ("images:", 0.3),
    ("pages:", 0.0),
    ("pages:", 0.05),
    (None, 0.8),
    (None, 1.6),
]


@pytest.mark.parametrize(("marker", "after"), KILL_POINTS)
def test_a_build_killed_at_any_stage_leaves_a_whole_site_and_the_next_build_repairs_everything(
    built, tmp_path, marker, after
):
    project, before, after_edit = built
    project = _copy(project, tmp_path)
    _edit_slogan(project, "新的一句口号")
    shutil.rmtree(project / CACHE / "photos")  # photos to draw: the build is slow enough to be caught midway
    _build_killed_at(project, marker, after)
    site = _snapshot(project / "site")
    assert site in (before, after_edit), "the site after a kill is neither the previous one nor the new one"
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert _leftovers(project) == []
    assert _snapshot(project / "site") == after_edit


def test_leftovers_of_killed_builds_are_removed_and_a_site_moved_aside_is_put_back(built, tmp_path):
    project = _copy(built[0], tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (project / f".site.building-{pid}-abc").mkdir()
    (project / f".site.building-{pid}-abc" / "index.html").write_text("half a site")
    shutil.move(project / "site", project / f".site.old-{pid}-xyz")  # killed between two renames
    partial = project / CACHE / ".partial" / f".partial-{pid}-q.webp"
    partial.parent.mkdir(exist_ok=True)
    partial.write_bytes(b"half an image")
    running = project / f".site.building-{os.getpid()}-live"  # a build still running: left alone
    running.mkdir()
    (project / "villages" / VILLAGES[0] / "village.yml").write_text("name: [", encoding="utf-8")
    failed = run_storefront("build", cwd=project)
    assert failed.returncode == 1
    assert _snapshot(project / "site") == built[1], "the site moved aside was not put back"
    assert sorted(_leftovers(project)) == [running.name]


def test_top_level_dotfiles_and_cname_of_the_site_are_kept(built, tmp_path):
    project = _copy(built[0], tmp_path)
    site = project / "site"
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    (site / ".nojekyll").write_bytes(b"")
    (site / "CNAME").write_text("shop.example.cn\n")
    git_files = _snapshot(site / ".git")
    assert run_storefront("build", cwd=project).returncode == 0
    assert (site / "CNAME").read_text() == "shop.example.cn\n"
    assert (site / ".nojekyll").exists()
    assert _snapshot(site / ".git") == git_files
    assert subprocess.run(["git", "-C", str(site), "status", "--short"], capture_output=True).returncode == 0


@pytest.mark.parametrize("folder", [".git", "villages", ".cache/storefront", "notes", "notes/plan.txt"])
def test_a_site_folder_that_holds_something_else_is_refused_before_any_work(built, tmp_path, folder):
    project = _copy(built[0], tmp_path)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "notes").mkdir()
    (project / "notes" / "plan.txt").write_text("our plans")
    target = project / folder
    kept = _snapshot(target)
    result = run_storefront("build", "--site-dir", folder, cwd=project)
    assert result.returncode == 1, result.stdout
    assert "请换一个 --site-dir" in result.stderr  # the sample site is Chinese
    assert "Traceback" not in result.stderr
    assert _snapshot(target) == kept
    assert not list(project.glob(".*.building-*"))


def test_damaged_cache_files_are_never_published_and_are_drawn_again(built, tmp_path):
    project = _copy(built[0], tmp_path)
    _edit_slogan(project, "新的一句口号")
    cache = project / CACHE
    images = sorted(p for p in cache.rglob("*") if p.is_file() and p.suffix in (".webp", ".jpg", ".png"))
    truncated, flipped, emptied = images[0], images[len(images) // 2], images[-1]
    for path in (truncated, flipped, emptied):
        path.chmod(0o644)
    truncated.write_bytes(truncated.read_bytes()[:100])
    with open(flipped, "r+b") as handle:  # one bit, in place: the same size
        handle.seek(len(flipped.read_bytes()) // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x10]))
    emptied.write_bytes(b"")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _snapshot(project / "site") == built[2]


@pytest.mark.parametrize("damage", [b"", b'{"variants": [', b"[1, 2]", b'{"variants": [{"width": 1}]}', b"\xff\xfe"])
def test_a_damaged_photo_manifest_is_dropped_and_made_again(built, tmp_path, damage):
    project = _copy(built[0], tmp_path)
    manifests = sorted((project / CACHE / "photos").rglob("*.json"))
    assert manifests
    for manifest in manifests:
        manifest.chmod(0o644)
        manifest.write_bytes(damage)
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _snapshot(project / "site") == built[1]
    again = run_storefront("build", cwd=project)
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert all(json.loads(m.read_bytes())["variants"] for m in manifests)


def test_cache_files_are_read_only_and_an_edit_to_the_site_is_repaired(built, tmp_path):
    project = _copy(built[0], tmp_path)
    cache = project / CACHE
    stored = [p for p in cache.rglob("*") if p.is_file() and p.parent.parent.parent == cache]
    assert stored and all(p.stat().st_mode & 0o222 == 0 for p in stored), "cache files can be written"
    published = next((project / "site").rglob("*.webp"))
    published.chmod(0o644)  # whoever can (root can anyway) edits a published photo in place
    with open(published, "r+b") as handle:
        handle.write(b"edited!")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _snapshot(project / "site") == built[1]


def test_a_copied_project_builds_from_its_own_cache(built, tmp_path):
    original = built[0]
    project = _copy(original, tmp_path)
    assert run_storefront("build", cwd=project).returncode == 0
    theirs = {p.stat().st_ino for p in (original / CACHE).rglob("*") if p.is_file()}
    ours = {p.stat().st_ino for p in (project / "site").rglob("*") if p.is_file()}
    assert not ours & theirs, "the copy's site shares files with the original's cache"
    for manifest in (project / CACHE / "photos").rglob("*.json"):
        assert str(original) not in manifest.read_text() and '"/' not in manifest.read_text()
    assert _snapshot(project / "site") == built[1]


def test_two_builds_at_once_both_end_with_a_whole_site(built, tmp_path):
    project = _copy(built[0], tmp_path)
    _edit_slogan(project, "新的一句口号")
    shutil.rmtree(project / CACHE)
    command = [sys.executable, "-m", "generator", "build"]
    runs = [
        subprocess.Popen(command, cwd=project, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(run.wait(timeout=600), run.communicate()) for run in runs]
    for code, (_, stderr) in results:
        assert code == 0, stderr.decode()
    assert _snapshot(project / "site") == built[2]
    assert _leftovers(project) == []


def test_a_two_step_swap_that_fails_puts_the_previous_site_back(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous")
    with pytest.raises(OSError):
        _replace_in_two_steps(tmp_path / "missing", site)
    assert (site / "index.html").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_the_repository_ignores_what_builds_leave():
    for name in (".site.building-123-ab/x", ".site.old-9-cd/x", "site/x", ".cache/storefront/x"):
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", name], cwd=REPO)
        assert ignored.returncode == 0, f"{name} is not ignored"


# --- a full disk: a small tmpfs, where this machine lets the tests mount one -----------------


def _tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    mounted = []

    def mount(folder: Path, size: str) -> Path:
        if not _tmpfs(folder, size):
            pytest.skip("this machine cannot mount a tmpfs for a full disk")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_full_disk_under_the_site_fails_cleanly_and_keeps_the_previous_site(built, tmp_path, small_disk):
    project = _copy(built[0], tmp_path)
    room = _size_of(project / "site")
    # room for one site (a fresh cache elsewhere, so the site's files are copies) but not for two
    disk = small_disk(tmp_path / "disk", f"{int(room * 1.5) // 4096 * 4096}")
    site = disk / "site"
    assert run_storefront("build", "--site-dir", str(site), cwd=project).returncode == 0
    first = _snapshot(site)
    _edit_slogan(project, "新的一句口号")
    result = run_storefront("build", "--site-dir", str(site), cwd=project)
    assert result.returncode == 1
    assert "No space left" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(site) == first
    assert [p.name for p in disk.iterdir()] == ["site"]


def test_a_full_disk_under_the_cache_fails_cleanly_and_leaves_no_partial_file(built, tmp_path, small_disk):
    project = _copy(built[0], tmp_path)
    shutil.rmtree(project / CACHE)
    small_disk(project / CACHE, "2m")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 1
    assert "No space left" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(project / "site") == built[1]
    assert _leftovers(project) == []


def test_a_failed_build_keeps_the_cache_valid_for_the_next(built, tmp_path):
    project = _copy(built[0], tmp_path)
    profile = project / "villages" / VILLAGES[0] / "village.yml"
    good = profile.read_text(encoding="utf-8")
    profile.write_text(good.replace("\nstory:", "\nstory: 包治百病。\nold_story:", 1), encoding="utf-8")
    assert run_storefront("build", cwd=project).returncode == 1  # stopped before any image was looked at
    profile.write_text(good, encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "（处理了 0 张）" in result.stdout, result.stdout  # the sample site speaks Chinese


def test_a_photo_replaced_while_the_build_runs_is_stored_under_its_own_digest(tmp_path):
    from generator.assets.kit import _photo_key, _photo_recipe, _photo_task
    from generator.cache import Store, file_digest

    photo = tmp_path / "tea.jpg"
    Image.new("RGB", (64, 48), "#2E6B40").save(photo)
    planned = _photo_key(_photo_recipe(), file_digest(photo))  # what the build hashed first
    Image.new("RGB", (64, 48), "#B8860B").save(photo)  # then the cooperative saved a new photo
    result = _photo_task((planned, str(photo), "tea.jpg", str(tmp_path / "cache"), 10**8))
    assert not isinstance(result, str), result
    store = Store(tmp_path / "cache")
    assert not store.path("photos", planned, ".json").exists()
    drawn = _photo_key(_photo_recipe(), file_digest(photo))
    assert store.path("photos", drawn, ".json").exists()
    with Image.open(store.file(result[0]["largest"])) as published:
        assert published.convert("RGB").getpixel((32, 24))[2] < 60  # the new, golden photo
