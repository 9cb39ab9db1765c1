"""The public surface of ``revsgd.theory`` and ``revsgd.models``: grouped exports, documented.

Each package's ``__init__.py`` lists ``__all__`` one name per line, in groups that each start
with a one-line comment, sorted within a group (Python's ``sorted``: constants, classes,
functions), without duplicates, every name defined and every name the file imports exported.
Every exported function and class documents Args (when it takes parameters), Returns (a
function; Yields for a generator), Raises, and a ``>>>`` example (run by
``tests/test_doctests.py``); an exported constant has a ``#:`` comment where it is assigned.
Every module of the two packages ends its docstring with a References section, except the
few that have no source to cite.
"""

import ast
import importlib
import inspect
import pathlib
import pkgutil
import re
import types

import pytest

PACKAGES = ("revsgd.theory", "revsgd.models")

#: Modules with no source to cite (validation, optional extras, data plumbing, plain loops).
NO_REFERENCES = {
    "revsgd.theory._validate",
    "revsgd.theory.extras",
    "revsgd.models._batches",
}


def _source(package: str) -> str:
    return pathlib.Path(importlib.import_module(package).__file__).read_text()


def _groups(package: str) -> list[tuple[str, list[str]]]:
    """``(comment, names)`` for each group of the ``__all__`` list, read from the source."""
    lines = _source(package).splitlines()
    start = lines.index("__all__ = [")
    end = lines.index("]", start)
    groups: list[tuple[str, list[str]]] = []
    for raw in lines[start + 1:end]:
        line = raw.strip()
        if line.startswith("#"):
            groups.append((line[1:].strip(), []))
            continue
        match = re.fullmatch(r'"([A-Za-z_][A-Za-z0-9_]*)",', line)
        assert match, f"{package}.__all__: one quoted name per line, got {raw!r}"
        assert groups, f"{package}.__all__: {line} comes before the first group comment"
        groups[-1][1].append(match.group(1))
    return groups


def _exports():
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            yield pytest.param(package, name, getattr(module, name), id=f"{package}.{name}")


def _modules():
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        names += [info.name for info in pkgutil.iter_modules(module.__path__, package + ".")]
    return sorted(names)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_grouped_sorted_and_defined(package):
    module = importlib.import_module(package)
    groups = _groups(package)
    listed = [name for _, names in groups for name in names]
    assert listed == list(module.__all__), "__all__ must be the list literal of the source"
    assert len(listed) == len(set(listed)), f"duplicates: {sorted({n for n in listed if listed.count(n) > 1})}"
    for comment, names in groups:
        assert comment and names, f"every group has a comment and at least one name: {comment!r} {names}"
        assert names == sorted(names), f"group {comment!r} is not sorted: {names}"
    undefined = [name for name in listed if not hasattr(module, name)]
    assert not undefined, f"{package}.__all__ names undefined {undefined}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_import_of_the_init_is_exported(package):
    tree = ast.parse(_source(package))
    imported = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported <= set(importlib.import_module(package).__all__), sorted(imported - set(
        importlib.import_module(package).__all__))


def _takes_parameters(obj) -> bool:
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):  # no signature: count it as taking parameters
        return True
    return any(name != "self" for name in params)


@pytest.mark.parametrize(("package", "name", "obj"), list(_exports()))
def test_every_export_is_documented(package, name, obj):
    if isinstance(obj, types.ModuleType):
        doc = inspect.getdoc(obj) or ""
        assert ">>>" in doc or "Example" in doc, f"module {name} has no example"
        return
    if not callable(obj):  # a constant: documented by a #: comment where it is assigned
        pattern = re.compile(rf"^#:.*\n{name}\s*(:[^=]*)?=", re.MULTILINE)
        sources = [pathlib.Path(importlib.import_module(m).__file__).read_text() for m in _modules()]
        assert any(pattern.search(s) for s in sources), f"{package}.{name}: no '#:' comment above its assignment"
        return
    doc = obj.__doc__ or ""
    missing = []
    if _takes_parameters(obj) and "Args:" not in doc:
        missing.append("Args")
    if not inspect.isclass(obj):
        if "Returns:" not in doc and "Yields:" not in doc:
            missing.append("Returns")
    if "Raises:" not in doc:
        missing.append("Raises")
    if ">>>" not in doc:
        missing.append("a >>> example")
    assert not missing, f"{package}.{name} lacks {', '.join(missing)} in its docstring"


@pytest.mark.parametrize("name", _modules())
def test_module_docstring_ends_with_references(name):
    doc = inspect.getdoc(importlib.import_module(name)) or ""
    if name in NO_REFERENCES:
        return
    assert "References:" in doc, f"{name}: no References section"
    tail = doc[doc.rindex("References:"):]
    later = [line for line in tail.splitlines()[1:] if line and not line.startswith(" ")]
    assert not later, f"{name}: References is not the last section (then {later[0]!r})"
