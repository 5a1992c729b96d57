"""Check a JSON answer against a documented field tree, both ways.

A field tree maps a *path* to the field names documented for the objects found there, in the notation of
Shopee's documentation service (``../shared/data/contracts/shopee/doc_trees.json``): ``$`` is the top-level
object, ``response`` the object under key ``response``, ``response.order_list[]`` each object of the list
under ``order_list``. Trees for the other platforms are kept in the same shape under ``tests/contracts/<platform>/``
with the public source they were read from.

Two questions, because a sandbox can be wrong either way:

- ``invented_fields``: a field the answer carries that the documentation does not list (the sandbox made it
  up, and a parser reading it would break against the real partner);
- ``missing_fields``: a field the parser needs that the answer lacks, or that the documentation does not list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

FieldTree = Mapping[str, Sequence[str]]
ROOT = "$"


def _child(path: str, key: str) -> str:
    return key if path == ROOT else f"{path}.{key}"


def objects_at(value: Any, path: str = ROOT) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every JSON object inside ``value`` with its tree path (lists add ``[]`` to the key that holds them)."""
    if isinstance(value, Mapping):
        yield path, value
        for key, child in value.items():
            yield from objects_at(child, _child(path, key))
    elif isinstance(value, list):
        for item in value:
            yield from objects_at(item, path if path.endswith("[]") or path == ROOT else f"{path}[]")


def invented_fields(answer: Any, tree: FieldTree) -> list[str]:
    """Paths of fields in ``answer`` that ``tree`` does not document (sorted, each once).

    An object at a path the tree does not list at all is reported as a whole only when its parent documents
    it as a plain field (for example a free-form ``extra`` map); otherwise each of its fields is reported.
    """
    found: set[str] = set()
    for path, obj in objects_at(answer):
        documented = tree.get(path)
        if documented is None:
            if _documented_as_field(path, tree):
                continue
            found.update(_child(path, key) for key in obj)
            continue
        found.update(_child(path, key) for key in obj if key not in documented)
    return sorted(found)


def _documented_as_field(path: str, tree: FieldTree) -> bool:
    """True when ``path`` names a field its parent documents but whose inner shape the documentation leaves open."""
    bare = path.removesuffix("[]")
    parent, _, name = bare.rpartition(".")
    return name in tree.get(parent or ROOT, ()) and not any(
        key.startswith(f"{bare}.") or key.startswith(f"{bare}[]") for key in tree
    )


def missing_fields(answer: Any, needed: FieldTree, tree: FieldTree) -> list[str]:
    """Fields the parser needs that are undocumented, absent from every object at their path, or never reached."""
    problems: set[str] = set()
    seen: dict[str, list[Mapping[str, Any]]] = {}
    for path, obj in objects_at(answer):
        seen.setdefault(path, []).append(obj)
    for path, fields in needed.items():
        for name in fields:
            if name not in tree.get(path, ()):
                problems.add(f"{_child(path, name)} (needed but not documented)")
        objects = seen.get(path)
        if not objects:
            problems.add(f"{path} (no object at this path in the answer)")
            continue
        for obj in objects:
            problems.update(_child(path, name) for name in fields if name not in obj)
    return sorted(problems)


def answer_problems(answers: Sequence[Any], tree: FieldTree, needed: FieldTree) -> list[str]:
    """Both directions over every answer of one endpoint, as ``invented <path>`` and ``missing <path>`` (sorted):
    a field any answer invents, and a needed field undocumented or absent (the answers taken together)."""
    found = {f"invented {path}" for answer in answers for path in invented_fields(answer, tree)}
    found |= {f"missing {path}" for path in missing_fields(list(answers), needed, tree)}
    return sorted(found)


def wrong_types(answer: Any, types: Mapping[str, str]) -> list[str]:
    """``field=value`` for each value whose JSON type is not the documented one (``types``: dotted path →
    ``number`` or ``string``), e.g. GoBiz's ``header.version``, a number the sandbox once sent as text."""
    bad = []
    for dotted, kind in types.items():
        parent, _, name = dotted.rpartition(".")
        for path, obj in objects_at(answer):
            if path == (parent or ROOT) and name in obj:
                value = obj[name]
                number = not isinstance(value, bool) and isinstance(value, int | float)
                if (kind == "number" and not number) or (kind == "string" and not isinstance(value, str)):
                    bad.append(f"{dotted}={value!r}")
    return bad


def contract_problems(
    bodies: Mapping[str, Sequence[Any]], trees: Mapping[str, Mapping[str, Any]], needed: Mapping[str, FieldTree]
) -> dict[str, list[str]]:
    """Per contract (``trees[name]``: its ``tree`` and optional ``types``): fields any body invents, values of the
    wrong type, and needed fields missing across all its bodies taken together."""
    found: dict[str, list[str]] = {}
    for name, answers in bodies.items():
        tree, issues = trees[name]["tree"], set()
        for body in answers:
            issues.update(invented_fields(body, tree))
            issues.update(wrong_types(body, trees[name].get("types", {})))
        issues.update(missing_fields({"all": list(answers)}, _under_all(needed[name]), _under_all(tree)))
        found[name] = sorted(issues)
    return found


def _under_all(tree: FieldTree) -> FieldTree:
    """Re-root a tree under ``all[]`` so one check spans every body (a needed field must be in each of them)."""
    return {ROOT: ["all"], **{("all[]" if path == ROOT else f"all[].{path}"): fields for path, fields in tree.items()}}


def load_trees(path: Path) -> dict[str, dict[str, Any]]:
    """A ``{api_name: {"path": ..., "tree": {...}}}`` file (the vendored Shopee file, or one of ours)."""
    return json.loads(path.read_text(encoding="utf-8"))
