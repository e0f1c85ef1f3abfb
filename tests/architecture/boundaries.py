"""The house rule between apps, as data, and the scanner that checks it (docs/architecture.md,
"Apps and their public faces").

- The **kernel** (``suite``, ``api``, ``accounts``, ``institution``, ``tenants``) is the
  plumbing every app builds on: anyone may import any of its modules.
- A **feature app** is reached only through its public face, ``<app>/public.py`` (or the
  package ``<app>/public/``, split by consumer). A part with its own Django label that
  belongs to one app is that app's (``payments.sandbox`` is payments',
  ``groupware.exchange.relay`` the exchange's).
- groupware's sub-apps (approval, boards, schedule, exchange) build on groupware's base:
  ``GROUPWARE_BASE`` below (the org chart's models, the workspace API base, shared form
  widgets and serializers); anyone else uses ``groupware.public``.
- A URL conf (``urls*.py``, ``api_urls.py``) mounts other apps' ``views``/``api``.
- Tests, benchmarks and migrations may import anything (they are not scanned).

Every import is seen: module level, inside functions, under ``TYPE_CHECKING``, relative;
and a module looked up by name (``importlib.import_module``, ``__import__``) is refused.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KERNEL = ("suite", "api", "accounts", "institution", "tenants")

FEATURE_APPS = (
    "facility_booking",
    "payments",  # payments.sandbox (the sandbox gateway) is payments' own
    "portal",
    "programs",
    "website",
    "privacy",
    "notifications",
    "groupware",  # org chart, dashboard, rooms (the sub-apps below are apps of their own)
    "groupware.approval",
    "groupware.boards",
    "groupware.schedule",
    "groupware.exchange",  # groupware.exchange.relay (envelopes) is the exchange's own
)

APPS = KERNEL + FEATURE_APPS

# What groupware's sub-apps share of groupware itself, besides groupware.public.
GROUPWARE_BASE = frozenset(
    {
        "groupware.models",  # Department, StaffProfile, Position, Absence (org/models.py)
        "groupware.api_common",  # WorkspaceAPIView, input helpers, response docs
        "groupware.org.forms",  # date inputs, the member picker
        "groupware.org.serializers",  # UserRefSerializer
        "groupware.seed",  # the demo people (demo_email)
    }
)

# URL confs may mount another app's pages and API endpoints.
URLCONF = re.compile(r"^(urls(_\w+)?|api_urls)\.py$")
MOUNTABLE = re.compile(r"^(views|api)(_\w+)?$")

# Cross-app imports allowed although they break the rule, each with why. The check fails
# when one is no longer there (so this list only shrinks).
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("suite.wsgi", "facility_booking.waiting_room_lane"): (
        "the WSGI entry point wraps the application in the booking queue's lane, "
        "before any request reaches Django"
    ),
}

SKIP_PARTS = {"migrations", "tests", "__pycache__", "templates", "static", "locale"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    target: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.target} — {self.rule}"


def app_of(module: str) -> str | None:
    """The app a dotted module belongs to (the longest app name it starts with)."""
    best = None
    for app in APPS:
        if (module == app or module.startswith(app + ".")) and (
            best is None or len(app) > len(best)
        ):
            best = app
    return best


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(dotted: str, root: Path) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(tree: ast.AST, importer: str, *, is_package: bool, root: Path = ROOT):
    """(line, dotted module) of every import in the tree; ``from pkg import name`` counts
    as ``pkg.name`` when that is a module."""
    package = importer if is_package else importer.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if _is_module(candidate, root) else base


def is_public(target: str, app: str) -> bool:
    return target == f"{app}.public" or target.startswith(f"{app}.public.")


def check_import(*, importer: str, path: Path, target: str) -> str | None:
    """None when the import keeps the rule, else which rule it breaks."""
    source_app, target_app = app_of(importer), app_of(target)
    if target_app is None or source_app is None or target_app == source_app:
        return None
    if target_app in KERNEL or is_public(target, target_app):
        return None
    if URLCONF.match(path.name) and MOUNTABLE.match(target.rpartition(".")[2]):
        return None
    if source_app.startswith("groupware.") and target in GROUPWARE_BASE:
        return None
    if (importer, target) in EXCEPTIONS:
        return None
    return f"{target_app} is a feature app: import {target_app}.public instead"


def scan_source(source: str, *, path: Path, importer: str, root: Path = ROOT):
    """(violations, cross-app imports seen) of one module's source."""
    tree = ast.parse(source, filename=str(path))
    violations, seen = [], []
    for line, target in imported_modules(
        tree, importer, is_package=path.name == "__init__.py", root=root
    ):
        source_app, target_app = app_of(importer), app_of(target)
        if target_app is None or target_app == source_app:
            continue
        seen.append((importer, target))
        rule = check_import(importer=importer, path=path, target=target)
        if rule:
            violations.append(Violation(str(path), line, importer, target, rule))
    return violations, seen


def app_files(root: Path = ROOT):
    for top in sorted({app.split(".")[0] for app in APPS}):
        for path in sorted((root / top).rglob("*.py")):
            if SKIP_PARTS.isdisjoint(path.relative_to(root).parts):
                yield path


def scan(root: Path = ROOT):
    """Every violation and every cross-app import of the apps' code."""
    violations, seen = [], []
    for path in app_files(root):
        found, crossing = scan_source(
            path.read_text(encoding="utf-8"),
            path=path.relative_to(root),
            importer=module_name(path, root),
            root=root,
        )
        violations += found
        seen += crossing
    return violations, seen


def module_level_app_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """app → apps it imports at import time (module-level statements only: what loading
    the module needs), through any module but URL confs (they mount everything)."""
    graph: dict[str, set[str]] = {}
    for path in app_files(root):
        if URLCONF.match(path.name):
            continue
        importer = module_name(path, root)
        source_app = app_of(importer)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(body=_module_level(tree.body), type_ignores=[])
        for _line, target in imported_modules(
            top, importer, is_package=path.name == "__init__.py", root=root
        ):
            target_app = app_of(target)
            if source_app and target_app and target_app != source_app:
                graph.setdefault(source_app, set()).add(target_app)
    return graph


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run when the module loads: not function bodies, not TYPE_CHECKING."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out += _module_level(node.orelse)
            continue
        if isinstance(node, ast.ClassDef | ast.If | ast.Try | ast.With):
            inner = [*node.body]
            for name in ("orelse", "finalbody"):
                inner += getattr(node, name, [])
            for handler in getattr(node, "handlers", []):
                inner += handler.body
            out += _module_level(inner)
            continue
        out.append(node)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


DYNAMIC = {"import_module", "__import__"}


def dynamic_imports_in(source: str, *, path: str) -> list[str]:
    """``path:line`` of each ``importlib.import_module(…)`` / ``__import__(…)`` call: a
    module looked up by name at run time escapes the check above."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in DYNAMIC:
                found.append(f"{path}:{node.lineno}")
    return found


def dynamic_imports(root: Path = ROOT) -> list[str]:
    found = []
    for path in app_files(root):
        found += dynamic_imports_in(
            path.read_text(encoding="utf-8"), path=str(path.relative_to(root))
        )
    return found
