"""The layout of generator/: data flows one way through its rooms, and cache keys follow the code.

read (profile) -> checks -> schedule (the timeline) -> assets (images) -> site (pages) -> build
and output -> hosting (the built site deployed), with a few shared leaves (errors, words, messages,
urls, layouts, cache, progress) that import
no stage. A module may import its own room, an earlier one, or a leaf; never a later room, and
never another module's private names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator import cache

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
STAGES = (
    ("errors", "words", "messages", "urls", "layouts", "cache", "progress"),
    ("profile",),
    ("checks",),
    ("schedule",),
    ("assets",),
    ("site",),
    ("build", "output", "config"),
    ("hosting",),
    ("plugin", "cli", "annotations", "__main__", "__init__"),
)


def _stage(module: str) -> int:
    """The stage of a module of ours, -1 for one in no room of STAGES."""
    room = module.split(".")[1] if "." in module else "__init__"
    return next((i for i, rooms in enumerate(STAGES) if room in rooms), -1)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)] = path
    return found


def _runtime_imports(path: Path):
    """(imported module, names) of every import that runs (not those for type checkers only)."""

    def visit(node):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator"):
                    yield alias.name, []
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")))


MODULES = _modules()


def test_every_module_has_a_room():
    for module in MODULES:
        assert _stage(module) >= 0, module


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_later_stage_or_private_names(module):
    for imported, names in _runtime_imports(MODULES[module]):
        targets = [imported] + [f"{imported}.{n}" for n in names if f"{imported}.{n}" in MODULES]
        for target in targets:
            if target == "generator":
                continue
            assert _stage(target) <= _stage(module), f"{module} imports {target}, a later stage"
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{module} imports private names of {imported}: {private}"


def test_the_stage_test_can_fail():
    assert _stage("generator.site.pages") > _stage("generator.assets.kit") > _stage("generator.profile.read")
    assert _stage("generator.urls") < _stage("generator.profile.model")


def test_a_code_identity_follows_what_the_code_imports():
    # The palette memo once hashed only the module of build_palette while the code that reads the
    # hero photo lived in another: the key now takes every module of ours the code imports.
    ours, libraries = cache._closure("generator.assets.posters")
    expected = {"generator.assets.cards", "generator.assets.draw", "generator.assets.marks", "generator.layouts"}
    assert expected <= ours
    assert "generator.cache" not in ours, "an image's recipe does not change with the cache's own code"
    assert {"PIL", "segno"} <= libraries
    ours, _ = cache._closure("generator.profile.read")
    assert "generator.profile.repeats" in ours and not any(m.startswith("generator.assets") for m in ours)


def test_imports_for_type_checkers_only_are_not_in_a_code_identity():
    ours, _ = cache._closure("generator.urls")
    assert ours == {"generator", "generator.urls", "generator.layouts"}  # not profile.model, its type


def test_a_code_identity_imports_nothing():
    # A warm build whose brands did not change must not even import the check's libraries.
    import subprocess
    import sys

    script = (
        "import sys; from generator.cache import code_identity; "
        "code_identity('generator.checks.differentiation.engine'); "
        "print(sorted(m for m in ('scipy', 'datasketch', 'rapidfuzz', 'generator.checks.differentiation.engine') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
