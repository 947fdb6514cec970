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

from generator.messages import say

MAX_BYTES = 1_000_000
MAX_VALUES = 100_000
MAX_DEPTH = 40
MAX_SYNTAX_PROBLEMS = 20
"""How many syntax mistakes of one file are reported in one run: each is repaired in a copy of the
text and the copy read again, past the mistake, to find the next one."""

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
    """Why a file cannot be read as data, at which line (1-based, 0 for the whole file) and column
    (1-based, 0 when the whole line is meant). `all` holds every problem found in the file, this
    one first."""

    def __init__(self, line: int, message: str, path: Path = (), column: int = 0):
        super().__init__(message)
        self.line, self.message, self.path, self.column = line, message, path, column
        self.all = [self]

    @classmethod
    def together(cls, problems: list[YamlProblem]) -> YamlProblem:
        first = problems[0]
        first.all = problems
        return first


@dataclass(frozen=True)
class _Mistake:
    """A syntax mistake: where it is, what to tell the person, and the text with it repaired (None
    when no repair is sure enough to read on past it)."""

    line: int
    column: int
    message: str
    repaired: str | None


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
        raise YamlProblem(0, say("yaml.too_large", size=len(raw), most=MAX_BYTES))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(1, say("yaml.utf16"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = say("yaml.gbk")
        except UnicodeDecodeError:
            hint = say("yaml.not_text")
        raise YamlProblem(line, say("yaml.not_utf8", hint=hint)) from None


def parse(text: str) -> Document:
    """Parse YAML text into a Document, or raise YamlProblem with a line and advice, and in its
    `all` every syntax mistake that can be read past (see MAX_SYNTAX_PROBLEMS)."""
    text = text.translate(_UNSEEN_BREAKS)
    found: list[YamlProblem] = []
    while len(found) < MAX_SYNTAX_PROBLEMS:
        try:
            document = _parse_once(text)
        except _SyntaxMistake as mistake:
            found.append(YamlProblem(mistake.at.line, mistake.at.message, column=mistake.at.column))
            if mistake.at.repaired is None:
                break
            text = mistake.at.repaired
            continue
        except YamlProblem as problem:
            found.extend(problem.all)
            break
        if not found:
            return document
        break
    raise YamlProblem.together(found)


class _SyntaxMistake(Exception):
    def __init__(self, at: _Mistake):
        super().__init__(at.message)
        self.at = at


def _parse_once(text: str) -> Document:
    if root := _fast_compose(text):
        try:
            return _document(root, text, libyaml=True)
        except (YamlProblem, _Reread):
            pass  # PyYAML reads it again: the problem in its words, or what it makes of a `?`
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:
        raise YamlProblem(*_control_character_advice(text, error)) from None
    except yaml.MarkedYAMLError as error:
        raise _SyntaxMistake(_syntax_mistake(error, text)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, say("yaml.invalid", error=error)) from None
    except RecursionError:
        raise YamlProblem(1, say("yaml.too_deep")) from None
    return _document(root, text)


def _fast_compose(text: str) -> yaml.Node | None:
    """The node tree as libyaml composes it, or None when PyYAML's reader must read the file."""
    if _FAST is None or _LIBYAML_DIFFERS.search(text):
        return None
    try:
        return yaml.compose(text, Loader=_FAST)
    except (yaml.YAMLError, ValueError):  # PyYAML says what is wrong, as the tests pin it
        return None


def _document(root: yaml.Node | None, text: str, *, libyaml: bool = False) -> Document:
    if root is None:
        raise YamlProblem(1, say("yaml.empty"))
    document = Document(data=None)
    builder = _Builder(document, text, libyaml=libyaml)
    document.data = builder.build(root, ())
    if builder.problems:
        raise YamlProblem.together(builder.problems)
    return document


class _Reread(Exception):
    """libyaml took what PyYAML refuses: a `?` in an unquoted word inside `[...]` or `{...}`."""


def _control_character_advice(text: str, error: yaml.reader.ReaderError) -> tuple[int, str]:
    """YAML refuses invisible control characters written into the file (they come along with text
    pasted from a chat or a spreadsheet); PyYAML names them by offset, a person needs the line."""
    line = len(re.findall(r"\r\n?|\n", text[: error.position])) + 1  # the line ends YAML counts
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return line, say("yaml.control_character", code=f"{ord(character):04X}")


# Mistakes a Chinese keyboard makes, each found on the lines YAML points at: a full-width colon
# after a key (`slogan：...`), a Chinese comma between the entries of `{...}`, and a colour left
# unquoted, whose `#` starts a comment that swallows the rest of the line.
_FULL_WIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*\s*)：\s*")
_CHINESE_COMMA = re.compile(r"[，、](?=\s*[A-Za-z_][A-Za-z0-9_-]*\s*[:：])")
_BARE_COLOUR = re.compile(r"(?<=:)(\s+)(#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3}))(?=[\s,}\]]|$)")


def _syntax_mistake(error: yaml.MarkedYAMLError, text: str) -> _Mistake:
    """What a syntax error of PyYAML is in a person's words, at the place where it was made (which
    is often a line or two before where YAML noticed it), with the text repaired when it is sure."""
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 0)
    context = error.context_mark.line + 1 if error.context_mark else line
    problem = (error.problem or "").strip()
    if known := _keyboard_mistake(lines, range(min(context, line), line + 1)):
        return known
    if "'\\t'" in problem or "tab" in problem:
        return _Mistake(line, 0, say("yaml.tab"), None)
    if "mapping values are not allowed" in problem:
        # The text goes on being read with that ':' as text (a full-width one), as quotes would make it.
        return _Mistake(line, column, say("yaml.colon_in_text"), _replaced(lines, line, column, ":", "："))
    if "could not find expected ':'" in problem:
        return _Mistake(context, 0, say("yaml.missing_colon"), None)
    if "found undefined alias" in problem:
        return _Mistake(line, column, say("yaml.alias"), _replaced(lines, line, column, "*", "＊"))
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return _Mistake(line, 0, say("yaml.indentation"), None)
    return _Mistake(line, 0, say("yaml.unreadable", problem=problem or error), None)


def _keyboard_mistake(lines: list[str], numbers: range) -> _Mistake | None:
    """The first full-width colon, Chinese comma or unquoted colour on the lines `numbers`."""
    for number in numbers:
        text = lines[number - 1] if 0 < number <= len(lines) else ""
        if match := _FULL_WIDTH_COLON.match(text):
            repaired = text[: match.end(1)] + ": " + text[match.end() :]
            return _Mistake(number, match.end(1) + 1, say("yaml.full_width_colon"), _with_line(lines, number, repaired))
        if "{" in text and (match := _CHINESE_COMMA.search(text, text.index("{"))):
            repaired = text[: match.start()] + "," + text[match.end() :]
            return _Mistake(
                number,
                match.start() + 1,
                say("yaml.chinese_comma", comma=match[0]),
                _with_line(lines, number, repaired),
            )
        if match := _BARE_COLOUR.search(text):
            repaired = f'{text[: match.start(2)]}"{match[2]}"{text[match.end(2) :]}'
            return _Mistake(
                number,
                match.start(2) + 1,
                say("yaml.bare_colour", colour=match[2]),
                _with_line(lines, number, repaired),
            )
    return None


def _with_line(lines: list[str], number: int, text: str) -> str:
    return "\n".join([*lines[: number - 1], text, *lines[number:]])


def _replaced(lines: list[str], number: int, column: int, old: str, new: str) -> str | None:
    """The text with the `old` character at line `number`, `column` made `new`; None if it is not there."""
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    if text[column - 1 : column] != old:
        return None
    return _with_line(lines, number, text[: column - 1] + new + text[column:])


def _readable(text: str) -> str:
    """Text as pages, feeds and calendars can carry it (see _UNPRINTABLE)."""
    return _SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("", text.translate(_UNSEEN_BREAKS)))


def _plain_question(node: yaml.CollectionNode) -> bool:
    items = [i for pair in node.value for i in pair] if isinstance(node, yaml.MappingNode) else node.value
    return any(isinstance(i, yaml.ScalarNode) and not i.style and "?" in i.value for i in items)


class _Builder:
    def __init__(self, document: Document, text: str, *, libyaml: bool = False):
        self.document = document
        self.lines = text.split("\n")
        self.problems: list[YamlProblem] = []
        """Mistakes that do not stop the reading (an unquoted colour): all reported together."""
        self.libyaml = libyaml
        self.budget = MAX_VALUES
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(node.start_mark.line + 1, say("yaml.too_many_values", most=MAX_VALUES), path)
        if len(path) > MAX_DEPTH:
            raise YamlProblem(node.start_mark.line + 1, say("yaml.too_deep"), path)
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
                raise YamlProblem(key_node.start_mark.line + 1, say("yaml.key_not_a_word"), path)
            key = str(key_node.value)
            key_path = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                first = self.document.lines[key_path]
                raise YamlProblem(line, say("yaml.duplicate_key", key=key, first=first, line=line), key_path)
            self.document.lines[key_path] = line
            result[key] = self.build(value_node, key_path)
            if result[key] is None and not value_node.value:
                self._unquoted_colour(line, key_node.end_mark.column, key_path)
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

    def _unquoted_colour(self, number: int, after: int, path: Path) -> None:
        """`primary: #2E6B40` reads as an empty value: the `#` starts a comment. Told, not left empty."""
        text = self.lines[number - 1] if number <= len(self.lines) else ""
        if match := _BARE_COLOUR.search(text, after):
            column = match.start(2) + 1
            self.problems.append(YamlProblem(number, say("yaml.bare_colour", colour=match[2]), path, column))

    @staticmethod
    def _tag_problem(node: yaml.Node, path: Path) -> YamlProblem:
        return YamlProblem(node.start_mark.line + 1, say("yaml.tag", tag=node.tag), path)
