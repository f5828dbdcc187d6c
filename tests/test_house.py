"""The shape of the house: views only handle the request, files and routes stay small.

These read the source with ``ast``, so a query slipped into a view, a file grown past what a
newcomer can hold, or a route that does the domain's work fails here, naming file and line."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "webapp"
ROOT = PACKAGE.parent

MAX_FILE_LINES = 400
MAX_ROUTE_LINES = 25
MAX_MEDIAN_ROUTE_LINES = 12

# Building statements, only ever called from queries and operations.
SQL_BUILDERS = {"select", "insert", "update", "delete"}
# What a view may do with the database session itself: end the request's transaction.
SESSION_ALLOWED = {"commit", "rollback"}
# Reading or writing through a session, whatever the session is called.
SESSION_METHODS = {"add", "delete", "flush", "execute", "scalar", "scalars", "get"}
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def views_modules() -> list[Path]:
    return [p for p in python_files() if p.name == "views.py" or p.name.endswith("_views.py")]


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def sqlalchemy_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to SQLAlchemy's statement builders, and names bound to SQLAlchemy itself."""
    builders, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            builders |= {a.asname or a.name for a in node.names if a.name in SQL_BUILDERS}
        elif isinstance(node, ast.Import):
            modules |= {
                a.asname or a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"
            }
    return builders, modules


def is_db_session(node: ast.AST) -> bool:
    """``db.session``, or a name that says it holds one: never Flask's cookie ``session``,
    nor a booked session reached as ``place.session``."""
    if isinstance(node, ast.Name):
        return node.id in {"db_session", "database_session"}
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "session"
        and isinstance(node.value, ast.Name)
        and node.value.id == "db"
    )


def database_work(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    builders, modules = sqlalchemy_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in builders:
                found.append(f"{where(path, node)} calls {func.id}()")
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in SQL_BUILDERS
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            ):
                found.append(f"{where(path, node)} calls {func.value.id}.{func.attr}()")
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in SESSION_METHODS
                and is_db_session(func.value)
            ):
                found.append(f"{where(path, node)} calls session.{func.attr}()")
        if (
            isinstance(node, ast.Attribute)
            and is_db_session(node.value)
            and node.attr not in SESSION_ALLOWED | SESSION_METHODS
        ):
            found.append(f"{where(path, node)} uses session.{node.attr}")
    return found


def is_route(decorator: ast.expr) -> bool:
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return False
    if decorator.func.attr == "route":
        return True
    owner = decorator.func.value
    return (
        decorator.func.attr in ROUTE_DECORATORS
        and isinstance(owner, ast.Name)
        and owner.id.endswith("bp")
    )


def route_functions() -> list[tuple[str, int]]:
    """(file:line name, lines from ``def`` to the end) for every route function in webapp/."""
    routes = []
    for path in python_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                is_route(d) for d in node.decorator_list
            ):
                lines = node.end_lineno - node.lineno + 1
                routes.append((f"{where(path, node)} {node.name}", lines))
    return routes


def test_the_views_modules_are_found():
    assert len(views_modules()) >= 10


@pytest.mark.parametrize("path", views_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_only_handle_the_request(path: Path):
    found = database_work(path)
    assert not found, (
        "Reads belong in the area's queries.py and writes in its operations.py; "
        "a view may only commit or roll back:\n" + "\n".join(found)
    )


def test_no_python_file_is_too_long():
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in python_files()
        if (n := len(path.read_text().splitlines())) > MAX_FILE_LINES
    ]
    assert not long, f"Split files over {MAX_FILE_LINES} lines by topic:\n" + "\n".join(long)


def test_route_functions_are_short():
    routes = route_functions()
    assert routes
    long = [f"{name}: {lines} lines" for name, lines in routes if lines > MAX_ROUTE_LINES]
    assert not long, (
        f"Route functions over {MAX_ROUTE_LINES} lines; move context building and rendering "
        "helpers out of the route:\n" + "\n".join(long)
    )
    median = statistics.median(lines for _, lines in routes)
    assert median <= MAX_MEDIAN_ROUTE_LINES, (
        f"The median route function is {median} lines, over {MAX_MEDIAN_ROUTE_LINES}"
    )
