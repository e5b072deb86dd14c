"""Reads worksheet files, validates them against the schema, and names file, line and problem on failure."""
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import FIELD_TYPE_NAMES, WorksheetDefinition

MAX_FILE_BYTES = 256 * 1024
MAX_NODES = 20000  # refuses alias bombs: a small file must not expand into millions of nodes
# A worksheet is nested some eight levels deep. libyaml's composer recurses in C: "[[[…]]]" forty
# thousand deep (80 KB) ends the process, which no exception handler can catch, so the nesting is
# measured first, from the parser's events (a loop, not a recursion).
MAX_DEPTH = 64
# libyaml's parser, when PyYAML was built with it (the wheels are): about 17 times faster than the
# pure-Python one (the library is parsed at every start), with the same lines in its errors.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SUFFIXES = (".yaml", ".yml", ".json")


class WorksheetError(ValueError):
    """A worksheet that cannot be used. The message names the file, the line and the problem."""

    def __init__(self, source: str, problem: str, line: int | None = None, where: str | None = None):
        self.source, self.problem, self.line, self.where = source, problem, line, where
        place = source + (f", line {line}" if line else "")
        super().__init__(f"{place}: {where + ': ' if where else ''}{problem}")


@dataclass(frozen=True)
class LoadedWorksheet:
    definition: WorksheetDefinition
    source: str

    @property
    def as_json(self) -> dict:
        return self.definition.model_dump(mode="json", exclude_none=True)

    @property
    def content_hash(self) -> str:
        return definition_hash(self.as_json)


def definition_hash(definition: dict) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _compose(text: str, source: str):
    """Builds plain Python data from YAML (or JSON) and a map from each key path to its line."""
    loader, root = _single_node(text, source)
    builder = _TreeBuilder(loader, source)
    try:
        return builder.build(root, ()), builder.lines
    except RecursionError:
        raise WorksheetError(source, "the file is nested too deeply") from None


def _single_node(text: str, source: str):
    """The node tree of the file's one document, and the loader that reads its values."""
    loader = None
    try:
        _refuse_deep_nesting(text, source)
        loader = _YAML_LOADER(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise WorksheetError(source, f"not valid YAML/JSON ({exc.problem or exc.context})", line) from None
    except yaml.YAMLError as exc:
        raise WorksheetError(source, f"not valid YAML/JSON ({exc.__class__.__name__})") from None
    except RecursionError:  # the pure-Python composer, on a system without libyaml
        raise WorksheetError(source, "the file is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise WorksheetError(source, "the file is empty")
    return loader, root


def _refuse_deep_nesting(text: str, source: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise WorksheetError(source, f"the file is nested more than {MAX_DEPTH} levels deep",
                                     event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _TreeBuilder:
    """Plain data from a node tree, noting each key path's line; refuses alias bombs (more than
    MAX_NODES values), keys that are not plain text, and duplicate keys."""

    def __init__(self, loader, source: str):
        self.loader, self.source = loader, source
        self.lines: dict[tuple, int] = {}
        self.budget = MAX_NODES

    def build(self, node, path):
        self.budget -= 1
        if self.budget < 0:
            raise WorksheetError(self.source, f"the file expands to more than {MAX_NODES} values",
                                 node.start_mark.line + 1)
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):  # inline, not a helper: one frame per level of nesting
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise WorksheetError(self.source, "a key must be plain text", key_node.start_mark.line + 1)
                key = self.loader.construct_scalar(key_node)
                if key in result:
                    raise WorksheetError(self.source, f"duplicate key {key!r}", key_node.start_mark.line + 1)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            raise WorksheetError(self.source, f"a value cannot be read ({exc.__class__.__name__})",
                                 node.start_mark.line + 1) from None


def _format_location(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_for(loc: tuple, lines: dict) -> int | None:
    path = loc
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


_NAMED_ID = re.compile(r"(field|section)(?: id)? '([^']+)'")


def _line_of_named_id(message: str, data: dict, lines: dict) -> int | None:
    """For whole-file rules ("duplicate field id 'x'"), the line of the last item with that id."""
    match = _NAMED_ID.search(message)
    if not match or not isinstance(data.get("sections"), list):
        return None
    kind, wanted = match.groups()
    found = None
    for s_index, section in enumerate(data["sections"]):
        if not isinstance(section, dict):
            continue
        if kind == "section" and section.get("id") == wanted:
            found = ("sections", s_index)
        for f_index, field in enumerate(section.get("fields") or []):
            if kind == "field" and isinstance(field, dict) and field.get("id") == wanted:
                found = ("sections", s_index, "fields", f_index)
    return lines.get(found) if found else None


def validate_definition(data, source: str, lines: dict | None = None) -> WorksheetDefinition:
    """Validates parsed data; the first problem is reported with its place."""
    if not isinstance(data, dict):
        raise WorksheetError(source, "the top level must be a mapping of keys (slug, title, sections …)", 1 if lines else None)
    try:
        return WorksheetDefinition.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        # Pydantic puts the union tag (e.g. 'long_text') in a field's location; it is no key in the file.
        loc = tuple(part for part in error["loc"] if part not in FIELD_TYPE_NAMES)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "union_tag_invalid":
            message = f"unknown field type {error['input'].get('type')!r}; expected one of {', '.join(FIELD_TYPE_NAMES)}"
        elif error["type"] == "string_pattern_mismatch":
            message = (
                "must be lower-case letters, digits and dashes" if loc == ("slug",)
                else "must be snake_case: lower-case letters, digits and _, starting with a letter"
            )
        elif error["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        line = (not loc and _line_of_named_id(message, data, lines or {})) or _line_for(loc, lines or {})
        raise WorksheetError(source, message, line, _format_location(loc) or None) from None


def load_text(text: str, source: str) -> LoadedWorksheet:
    data, lines = _compose(text, source)
    return LoadedWorksheet(validate_definition(data, source, lines), source)


def load_file(path: Path) -> LoadedWorksheet:
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorksheetError(source, f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise WorksheetError(source, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorksheetError(source, f"not UTF-8 text (byte {exc.start})") from None
    loaded = load_text(text, source)
    if loaded.definition.slug != path.stem:
        raise WorksheetError(source, f"slug {loaded.definition.slug!r} must match the file name {path.stem!r}", 1, "slug")
    return loaded


@dataclass
class LibraryLoad:
    worksheets: dict[str, LoadedWorksheet]
    errors: list[WorksheetError]


def load_directory(directory: Path) -> LibraryLoad:
    """Loads every worksheet file; a broken one is refused and reported, the rest still load."""
    result = LibraryLoad({}, [])
    for path in sorted(p for p in Path(directory).iterdir() if p.suffix in SUFFIXES):
        try:
            loaded = load_file(path)
        except WorksheetError as error:
            result.errors.append(error)
            continue
        if loaded.definition.slug in result.worksheets:
            result.errors.append(WorksheetError(path.name, f"slug {loaded.definition.slug!r} is used by another file", 1))
            continue
        result.worksheets[loaded.definition.slug] = loaded
    return result
