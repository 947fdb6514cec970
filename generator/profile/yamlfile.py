"""Read one YAML file safely into plain Python values, keeping the line of every value.

PyYAML composes the node tree (which keeps line marks), with libyaml when it is there (about 15
times faster than PyYAML's own reader); we build the values ourselves so that
  - only plain data comes out (no Python tags, no custom types),
  - anchors and aliases cannot expand into a "billion laughs" (a budget on values built),
  - only `true`/`false` are booleans and leading-zero numbers stay text, so that `no`, `0572`
    or `1:30` mean what a cooperative meant (YAML 1.1 would read them as False, 378 and 90),
  - timestamps stay text and the schema parses them,
  - a duplicated key is reported instead of silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_VALUES = 100_000
MAX_DEPTH = 40

Path = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*\.[0-9_]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_TAG = "tag:yaml.org,2002:"
# YAML 1.1 (PyYAML) takes NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR for line breaks; editors do
# not show them as such (YAML 1.2 agrees). Pasted from a phone, one would shift every line number
# after it and end a `story: |` block in mid-line. A page shows them as a space: read them as one.
_UNSEEN_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})
# What a page, a feed or a calendar cannot carry, written as an escape ("\a", "\x07"; YAML refuses
# them raw): control characters other than tab and line ends, and noncharacters. They are
# invisible, and one of them makes an Atom feed malformed XML, so they are dropped. A lone surrogate
# ("\ud800") is no character at all and cannot be written as UTF-8: it becomes U+FFFD.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# libyaml reads a few things otherwise than PyYAML's own reader: it takes a tab after `key:` and a
# byte order mark at the start of a line for spaces, where PyYAML stops with a problem. A file with
# either goes to PyYAML, as does a file libyaml refuses, so that every file reads (or fails, with
# the same words and line) as it always has.
_FAST = yaml.CSafeLoader if yaml.__with_libyaml__ else None
_LIBYAML_DIFFERS = re.compile("[\t\ufeff]")


class YamlProblem(Exception):
    """Why a file cannot be read as data, at which line (1-based, 0 for the whole file)."""

    def __init__(self, line: int, message: str, path: Path = ()):
        super().__init__(message)
        self.line, self.message, self.path = line, message, path


@dataclass
class Document:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    text_starts: dict[Path, int] = field(default_factory=dict)
    """For a literal block (`story: |`): the line of its first line of text, so that a place
    inside the text can be given its own line number."""

    def line_of(self, path: Path) -> int:
        """The line of the value at `path`, or of its nearest parent that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def decode(raw: bytes) -> str:
    """The file's text; a file in another encoding gets advice instead of mojibake."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(0, f"the file is {len(raw):,} bytes; a profile should be well under {MAX_BYTES:,} bytes")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(1, "the file is saved as UTF-16; save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = "it looks like GBK/GB18030 from an older Chinese Windows editor"
        except UnicodeDecodeError:
            hint = "it has bytes that are not UTF-8 text"
        raise YamlProblem(line, f"the file is not UTF-8 ({hint}); open it and save it as UTF-8") from None


def parse(text: str) -> Document:
    """Parse YAML text into a Document, or raise YamlProblem with a line and advice."""
    text = text.translate(_UNSEEN_BREAKS)
    if root := _fast_compose(text):
        try:
            return _document(root, libyaml=True)
        except (YamlProblem, _Reread):
            pass  # PyYAML reads it again: the problem in its words, or what it makes of a `?`
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:
        raise YamlProblem(*_control_character_advice(text, error)) from None
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(*_syntax_advice(error)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"this is not valid YAML ({error})") from None
    except RecursionError:
        raise YamlProblem(1, "the file is nested too deeply to be a profile") from None
    return _document(root)


def _fast_compose(text: str) -> yaml.Node | None:
    """The node tree as libyaml composes it, or None when PyYAML's reader must read the file."""
    if _FAST is None or _LIBYAML_DIFFERS.search(text):
        return None
    try:
        return yaml.compose(text, Loader=_FAST)
    except (yaml.YAMLError, ValueError):  # PyYAML says what is wrong, as the tests pin it
        return None


def _document(root: yaml.Node | None, *, libyaml: bool = False) -> Document:
    if root is None:
        raise YamlProblem(1, "the file is empty; start from `storefront new SLUG` or a sample village")
    document = Document(data=None)
    document.data = _Builder(document, libyaml=libyaml).build(root, ())
    return document


class _Reread(Exception):
    """libyaml took what PyYAML refuses: a `?` in an unquoted word inside `[...]` or `{...}`."""


def _control_character_advice(text: str, error: yaml.reader.ReaderError) -> tuple[int, str]:
    """YAML refuses invisible control characters written into the file (they come along with text
    pasted from a chat or a spreadsheet); PyYAML names them by offset, a person needs the line."""
    line = len(re.findall(r"\r\n?|\n", text[: error.position])) + 1  # the line ends YAML counts
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return line, (
        f"this line holds an invisible control character (U+{ord(character):04X}) that YAML does not allow; "
        "delete it, or type the text again"
    )


def _syntax_advice(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    problem = (error.problem or "").strip()
    if "'\\t'" in problem or "tab" in problem:
        advice = "a tab is used for indentation; indent with spaces only"
    elif "mapping values are not allowed" in problem:
        advice = "a ':' appears where YAML does not expect one; put text that contains ': ' in quotes"
    elif "could not find expected ':'" in problem:
        advice = "a line is missing its ':' after the key, or its indentation is off"
    elif "found undefined alias" in problem:
        advice = "a '*' starts an alias that is not defined; put text starting with '*' in quotes"
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        advice = "the indentation is off here: keys of one block must line up exactly"
    else:
        advice = f"YAML cannot read this ({problem or error}); check indentation and quotes"
    return line, advice


def _readable(text: str) -> str:
    """Text as pages, feeds and calendars can carry it (see _UNPRINTABLE)."""
    return _SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("", text.translate(_UNSEEN_BREAKS)))


def _plain_question(node: yaml.CollectionNode) -> bool:
    items = [i for pair in node.value for i in pair] if isinstance(node, yaml.MappingNode) else node.value
    return any(isinstance(i, yaml.ScalarNode) and not i.style and "?" in i.value for i in items)


class _Builder:
    def __init__(self, document: Document, *, libyaml: bool = False):
        self.document = document
        self.libyaml = libyaml
        self.budget = MAX_VALUES
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                node.start_mark.line + 1,
                f"the file expands to more than {MAX_VALUES:,} values (YAML anchors and aliases?); "
                "write the values out",
                path,
            )
        if len(path) > MAX_DEPTH:
            raise YamlProblem(node.start_mark.line + 1, "the file is nested too deeply to be a profile", path)
        self.document.lines.setdefault(path, node.start_mark.line + 1)
        if self.libyaml and getattr(node, "flow_style", False) and _plain_question(node):
            raise _Reread
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                raise self._tag_problem(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        if node.tag != _TAG + "map":
            raise self._tag_problem(node, path)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be a plain word like `name`", path)
            key = str(key_node.value)
            key_path = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                first = self.document.lines[key_path]
                raise YamlProblem(line, f"`{key}` appears twice (lines {first} and {line}); keep only one", key_path)
            self.document.lines[key_path] = line
            result[key] = self.build(value_node, key_path)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        tag, value = node.tag.removeprefix(_TAG), node.value
        if node.style == "|":
            self.document.text_starts[path] = node.start_mark.line + 2  # the line after the `|`
        if tag == "str" or node.style:  # quoted or a block; libyaml writes a plain style as ""
            return _readable(value)
        if tag == "null":
            return None
        if tag == "bool":
            return value.lower() == "true" if value.lower() in ("true", "false") else value
        if tag == "int":
            return int(value.replace("_", "")) if _INT.match(value) else value
        if tag == "float":
            return float(value.replace("_", "")) if _FLOAT.match(value) else self.scalars.construct_yaml_float(node)
        if tag == "timestamp":
            return value
        raise self._tag_problem(node, path)

    @staticmethod
    def _tag_problem(node: yaml.Node, path: Path) -> YamlProblem:
        return YamlProblem(
            node.start_mark.line + 1,
            f"the YAML tag {node.tag!r} is not allowed; profiles hold plain text, numbers and lists",
            path,
        )
