"""The fault trial: hostile profiles, photos, caches and site folders, each run through the real
`storefront validate` and `storefront build` in a fresh process, and what each ended as.

    .venv/bin/python benchmarks/faults.py [--only NAME ...] [--timeout SECONDS]

Every case starts from a built project of two sample villages and changes one thing. Outcomes:

- built: the build succeeded (the input was fine, or the build made it fine);
- refused: validate or build said no, with a message and no traceback, and the previous site is
  as it was (for a profile or photo, validate must refuse what the build would refuse);
- traceback, hang (no answer within the timeout), lost (the previous site changed or vanished on
  a failed build), late (validate passed what the build then refused), corrupt (a damaged cache
  changed the published site): the defects; target 0.

It prints one line per case and the totals; the exit status is 1 if any case is a defect. The
cases of the test suite (tests/test_faults.py, tests/*/test_hostile_*.py) keep each fixed; this
trial is the wider sweep, for a note or a release.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SLUG = "huangdu-white-tea"
VILLAGES = (SLUG, "paimo-danzhai-batik")
EPOCH = "1795000000"
DEFECTS = ("traceback", "hang", "lost", "late", "corrupt")
SAME_SITE = ("cache:", "site:")
"""Cases that change nothing a buyer sees: the rebuilt site must be the same bytes."""

Case = Callable[[Path], None]
CASES: dict[str, Case] = {}


def case(name: str):
    def register(function: Case) -> Case:
        CASES[name] = function
        return function

    return register


# --- helpers that change the project ------------------------------------------------------------


def _profile(project: Path) -> Path:
    return project / "villages" / SLUG / "village.yml"


def _edit(project: Path, change: Callable[[dict], None]) -> None:
    """The profile read, changed and written back (comments are lost: the trial needs none)."""
    path = _profile(project)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _session(**fields):
    def change(data):
        data["live"]["sessions"][0].update(fields)

    return change


def _text(project: Path, text: str) -> None:
    _profile(project).write_text(text, encoding="utf-8")


def _photo(project: Path, name: str = "hero.jpg") -> Path:
    return project / "villages" / SLUG / "images" / name


def _cache_files(project: Path, suffix: str) -> list[Path]:
    return sorted(p for p in (project / ".cache/storefront").rglob(f"*{suffix}") if p.is_file())


def _damage(path: Path, data: bytes | None = None) -> None:
    path.chmod(0o644)
    if data is None:
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0x20
        data = bytes(raw)
    path.write_bytes(data)


# --- the cases ------------------------------------------------------------------------------------

for name, fields in {
    "repeat INTERVAL=0": {"repeat": "FREQ=DAILY;INTERVAL=0"},
    "repeat INTERVAL=-1": {"repeat": "FREQ=WEEKLY;INTERVAL=-1"},
    "repeat BYHOUR every hour": {"repeat": "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24)))},
    "repeat BYSECOND every second": {
        "repeat": "FREQ=DAILY;BYHOUR="
        + ",".join(map(str, range(24)))
        + ";BYMINUTE="
        + ",".join(map(str, range(60)))
        + ";BYSECOND="
        + ",".join(map(str, range(60)))
    },
    "repeat that never happens": {"repeat": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"},
    "repeat HOURLY": {"repeat": "FREQ=HOURLY"},
    "repeat COUNT=0": {"repeat": "FREQ=DAILY;COUNT=0"},
    "repeat COUNT huge": {"repeat": "FREQ=DAILY;COUNT=99999999999"},
    "repeat UNTIL in year 9999": {"repeat": "FREQ=DAILY;UNTIL=99991231"},
    "repeat garbage": {"repeat": "FREQ=WEEKLY;BYDAY=XX"},
    "repeat in Chinese": {"repeat": "每周六"},
    "start in year 9999": {"start": "9999-12-31T23:00", "repeat": None},
    "weekly from year 9999": {"start": "9999-12-25T19:30", "repeat": "FREQ=WEEKLY"},
    "start in year 0001": {"start": "0001-01-01T00:00", "repeat": None},
    "daily from year 1900": {"start": "1900-01-01T19:30", "repeat": "FREQ=DAILY"},
    "duration enormous": {"duration": "99999999999999999999h"},
    "duration zero": {"duration": "0h"},
    "duration negative": {"duration": "-2h"},
    "duration a year": {"duration": "8760h"},
    "start not a time": {"start": "next friday"},
    "except far away": {"except": ["9999-01-01T19:30"]},
}.items():
    CASES[name] = lambda project, f=fields: _edit(project, _session(**f))


@case("timezone localtime")
def _(project):
    _edit(project, lambda d: d.update(timezone="localtime"))


@case("timezone a path")
def _(project):
    _edit(project, lambda d: d.update(timezone="../../etc/passwd"))


@case("timezone posixrules")
def _(project):
    _edit(project, lambda d: d.update(timezone="posixrules"))


@case("2,000 sessions")
def _(project):
    def change(data):
        first = data["live"]["sessions"][0]
        data["live"]["sessions"] = [
            {**first, "start": f"2026-12-{1 + i % 28:02d}T{8 + i % 12:02d}:{i % 60:02d}", "repeat": None, "except": []}
            for i in range(2000)
        ]

    _edit(project, change)


@case("name with U+202E and emoji")
def _(project):
    _edit(project, lambda d: d.update(name={"zh": "黄杜\u202e村🍵", "en": "Huang\u202edu 🍵"}))


@case("url with U+202E")
def _(project):
    def change(data):
        data["live"]["channels"][0]["url"] = "https://live.example.com/\u202egpj.exe"

    _edit(project, change)


@case("name 10,000 characters")
def _(project):
    _edit(project, lambda d: d.update(name={"zh": "茶" * 10000}))


@case("full-width colon")
def _(project):
    text = _profile(project).read_text(encoding="utf-8")
    _text(project, text.replace("slogan: ", "slogan：", 1))


@case("tab indentation")
def _(project):
    text = _profile(project).read_text(encoding="utf-8")
    _text(project, text.replace("\n  province:", "\n\tprovince:", 1))


@case("empty profile")
def _(project):
    _text(project, "")


@case("profile is a list")
def _(project):
    _text(project, "- a\n- b\n")


@case("YAML billion laughs")
def _(project):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}" + f",*{chr(97 + i)}" * 8 + "]" for i in range(8)]
    _text(project, "\n".join(lines) + "\nname: *i\n")


@case("profile not UTF-8")
def _(project):
    _profile(project).write_bytes(_profile(project).read_text(encoding="utf-8").encode("gb18030"))


@case("profile with a NUL byte")
def _(project):
    _profile(project).write_bytes(_profile(project).read_bytes().replace(b"slogan", b"slo\0gan", 1))


@case("profile 20 MB")
def _(project):
    _text(project, _profile(project).read_text(encoding="utf-8") + "#" + "x" * 20_000_000 + "\n")


@case("YAML nested 10,000 deep")
def _(project):
    _text(project, _profile(project).read_text(encoding="utf-8") + "deep: " + "[" * 10000 + "]" * 10000 + "\n")


@case("YAML python tag")
def _(project):
    _text(project, "!!python/object/apply:os.system ['echo pwned']\n")


@case("YAML duplicate keys")
def _(project):
    _text(project, _profile(project).read_text(encoding="utf-8") + "name: {zh: 又一个名字}\n")


@case("CRLF and a BOM")
def _(project):
    text = _profile(project).read_text(encoding="utf-8")
    _profile(project).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())


@case("price negative")
def _(project):
    _edit(project, lambda d: d["products"][0]["price"].update(amount=-5))


@case("price 1e308")
def _(project):
    _edit(project, lambda d: d["products"][0]["price"].update(amount=1e308))


@case("price NaN")
def _(project):
    text = _profile(project).read_text(encoding="utf-8")
    _text(project, text.replace("amount: ", "amount: .nan #", 1))


@case("coordinates out of range")
def _(project):
    _edit(project, lambda d: d["region"].update(coordinates=[300, -999]))


@case("two products with one id")
def _(project):
    _edit(project, lambda d: d["products"].append(dict(d["products"][0])))


@case("session on an unknown channel")
def _(project):
    _edit(project, _session(channel="nowhere"))


@case("photo link loop")
def _(project):
    _photo(project).unlink()
    os.symlink(_photo(project).name, _photo(project))


@case("scaffold name with a backslash")
def _(project):
    # `storefront new` itself is the change: the trial builds what it wrote
    subprocess.run(_command("new", "evil", "--name", "Evil\\"), cwd=project, env=_env(), capture_output=True)


@case("village folder links outside")
def _(project):
    outside = project.parent / "outside"
    shutil.copytree(project / "villages" / SLUG, outside / "elsewhere")
    os.symlink(outside / "elsewhere", project / "villages" / "elsewhere")


@case("photo links outside")
def _(project):
    _photo(project).unlink()
    os.symlink("/etc/hostname", _photo(project))


@case("photo truncated JPEG")
def _(project):
    data = _photo(project).read_bytes()
    _photo(project).write_bytes(data[: len(data) // 2])


@case("photo zero bytes")
def _(project):
    _photo(project).write_bytes(b"")


@case("photo is text")
def _(project):
    _photo(project).write_bytes(b"not a photo at all\n" * 100)


@case("photo PNG named .jpg")
def _(project):
    Image.new("RGB", (800, 600), "#2E6B40").save(_photo(project), "PNG")


@case("photo 100x20000")
def _(project):
    Image.new("RGB", (100, 20000), "#2E6B40").save(_photo(project), "JPEG")


@case("photo 1080x17000")
def _(project):
    Image.new("RGB", (1080, 17000), "#2E6B40").save(_photo(project), "JPEG")


@case("photo 16-bit greyscale PNG")
def _(project):
    image = Image.new("I;16", (512, 256))
    image.putdata([(x % 256) * 257 for _ in range(256) for x in range(512)])
    image.save(_photo(project, "hero.png"))
    _edit(project, lambda d: d["brand"].update(hero="images/hero.png"))


@case("photo decompression bomb")
def _(project):
    Image.new("1", (30000, 30000)).save(_photo(project, "hero.png"), optimize=True)
    _edit(project, lambda d: d["brand"].update(hero="images/hero.png"))


@case("photo name too long once published")
def _(project):
    name = "茶" * 83 + ".jpg"  # 253 bytes: its published copies (name-1280.webp) pass 255
    shutil.copy(_photo(project), _photo(project, name))
    _edit(project, lambda d: d["brand"].update(hero=f"images/{name}"))


@case("photo at a generated path")
def _(project):
    target = project / "villages" / SLUG / "share.jpg"
    shutil.copy(_photo(project), target)
    _edit(project, lambda d: d["brand"].update(hero="share.jpg"))


@case("photo is a folder")
def _(project):
    _photo(project).unlink()
    _photo(project).mkdir()


@case("photo with a comment and EXIF")
def _(project):
    with Image.open(_photo(project)) as image:
        exif = Image.Exif()
        exif[0x010E] = "secret description"
        image.save(_photo(project), "JPEG", exif=exif, comment=b"secret comment")


@case("cache: every image truncated")
def _(project):
    for path in _cache_files(project, ".webp"):
        _damage(path, path.read_bytes()[:50])


@case("cache: every image bit-flipped")
def _(project):
    for path in _cache_files(project, ".jpg"):
        _damage(path)


@case("cache: manifests empty")
def _(project):
    for path in _cache_files(project, ".json"):
        if path.parent.parent.name == "photos":
            _damage(path, b"")


@case("cache: manifests malformed")
def _(project):
    for path in _cache_files(project, ".json"):
        if path.parent.parent.name == "photos":
            _damage(path, b'{"variants": [{"width": "x"}], "pixels": null}')


@case("cache: memos garbage")
def _(project):
    for path in (project / ".cache/storefront").glob("*.*"):
        if path.is_file():
            _damage(path, b"\x80garbage")


@case("cache: signatures garbage")
def _(project):
    for path in (project / ".cache/storefront/differentiation").glob("*"):
        _damage(path, b"\x93NUMPY garbage")


@case("cache: a folder where a file was")
def _(project):
    path = _cache_files(project, ".webp")[0]
    path.unlink()
    path.mkdir()


@case("site: dotfiles and CNAME")
def _(project):
    (project / "site" / ".nojekyll").write_bytes(b"")
    (project / "site" / "CNAME").write_text("shop.example.cn\n")


@case("site: leftovers of a killed build")
def _(project):
    (project / ".site.building-999999-x").mkdir()
    (project / ".cache/storefront/.partial").mkdir(exist_ok=True)
    (project / ".cache/storefront/.partial/.partial-999999-x.webp").write_bytes(b"half")


CLI_CASES = {
    "build --site-dir .git": ["build", "--site-dir", ".git"],
    "build --site-dir villages": ["build", "--site-dir", "villages"],
    "build --site-dir .cache/storefront": ["build", "--site-dir", ".cache/storefront"],
    "build --site-dir .": ["build", "--site-dir", "."],
    "build --site-dir /": ["build", "--site-dir", "/"],
    "build --site-dir docs": ["build", "--site-dir", "docs"],
    "build --villages missing": ["build", "--villages", "missing"],
    "build -f missing.yml": ["build", "-f", "missing.yml"],
    "validate --villages a file": ["validate", "--villages", "mkdocs.yml"],
    "check --only nobody": ["check", "--only", "nobody"],
    "check --against missing.csv": ["check", "--against", "missing.csv"],
    "new ../escape": ["new", "../escape"],
    "new with an existing slug": ["new", SLUG],
    "build -f a file that is not a config": ["build", "-f", "docs/guide.md"],
}


# --- running ------------------------------------------------------------------------------------


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def _env() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def _run(project: Path, args: list[str], timeout: float) -> tuple[int | None, str]:
    """(exit status, what it printed), or (None, "") after `timeout` seconds, when the command and
    every process it started (the image workers) are killed."""
    process = subprocess.Popen(
        _command(*args),
        cwd=project,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, ""
    return process.returncode, output


def _snapshot(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name != "CNAME"
    }


def _base(tmp: Path) -> Path:
    project = tmp / "base"
    project.mkdir()
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "docs", project / "docs")
    (project / "theme").symlink_to(REPO / "theme")
    for slug in VILLAGES:
        shutil.copytree(REPO / "villages" / slug, project / "villages" / slug)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    code, output = _run(project, ["build"], 600)
    assert code == 0, output
    return project


def trial(name: str, base: Path, tmp: Path, timeout: float, args: list[str] | None = None) -> tuple[str, str]:
    """(outcome, what was said) of one case, in a copy of `base`."""
    project = tmp / "case"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run(["cp", "-a", str(base), str(project)], check=True)
    before = _snapshot(project / "site")
    validated, checked = None, ""
    if args is None:
        CASES[name](project)
        validated, checked = _run(project, ["validate"], timeout)
        if validated is None:
            return "hang", "storefront validate"
        if "Traceback" in checked:
            return "traceback", checked
        args = ["build"]
    built, output = _run(project, args, timeout)
    if built is None:
        return "hang", "storefront " + " ".join(args)
    if "Traceback" in output:
        return "traceback", output
    if built == 0:
        if args[0] == "build" and not (project / "site" / "index.html").is_file():
            return "lost", "the build said it succeeded, but there is no site"
        if name.startswith(SAME_SITE) and _snapshot(project / "site") != before:
            return "corrupt", "a damaged cache or a kept file changed the published site"
        return "built", output.strip().splitlines()[-1] if output.strip() else ""
    if _snapshot(project / "site") != before:
        return "lost", output
    if validated == 0:
        return "late", output
    return "refused", checked or output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="run only the cases whose name contains one of these")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    wanted = [*CASES, *CLI_CASES]
    if args.only:
        wanted = [n for n in wanted if any(o.lower() in n.lower() for o in args.only)]
    outcomes: Counter = Counter()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = _base(tmp)
        for name in wanted:
            started = time.monotonic()
            outcome, said = trial(name, base, tmp, args.timeout, CLI_CASES.get(name))
            outcomes[outcome] += 1
            first = next((line for line in said.splitlines() if line.strip()), "")[:110]
            print(f"{outcome:<9} {time.monotonic() - started:6.1f} s  {name:<36} {first}", flush=True)
            if outcome in DEFECTS:
                print("          " + said.strip().replace("\n", "\n          ")[-2000:])
    print(f"\n{sum(outcomes.values())} cases: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
    print("defects: " + ", ".join(f"{k} {outcomes[k]}" for k in DEFECTS))
    return 1 if any(outcomes[k] for k in DEFECTS) else 0


if __name__ == "__main__":
    sys.exit(main())
