"""The house rules, read from the code: imports run one way down.

    kernel (vendorrisk.core, vendorrisk.models, its migrations and template tags)
      < vendors < incidents < assessments
      < shell (the rest of vendorrisk: settings, celery, urls, the API router, dashboard, demo, admin imports)

Every import is checked, at module level and inside functions alike, so a function-level import cannot
dodge a cycle. Also: no app reads another app's models through `apps.get_model` (that would hide an
upward dependency), and no page, form or selector reads from an API module (pages and the API share the
selectors).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("vendors", "incidents", "assessments", "webhooks", "register")
RANK = {"kernel": 0, "vendors": 1, "incidents": 2, "assessments": 3, "webhooks": 4, "register": 5, "shell": 6}
KERNEL_PARTS = ("core", "models", "migrations", "templatetags")
SCANNED = ("vendorrisk", *APPS, "scripts")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str | None:
    """The layer of a first-party module, None for third-party ones."""
    parts = module.split(".")
    if parts[0] in APPS:
        return parts[0]
    if parts[0] == "scripts":
        return "shell"
    if parts[0] != "vendorrisk":
        return None
    if len(parts) > 1 and parts[1] in KERNEL_PARTS:
        return "kernel"
    return "shell"


def _is_module(root: Path, dotted: str) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(root: Path, path: Path, tree: ast.AST):
    """(line, dotted module) for every import in the file, relative ones resolved."""
    package = module_name(root, path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(p for p in [*base_parts, node.module or ""] if p)
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if _is_module(root, candidate) else base


def _is_api(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in APPS and len(parts) > 1 and parts[1] == "api"


def check(root: Path) -> list[Violation]:
    problems: list[Violation] = []
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            rel = str(path.relative_to(root))
            source_module = module_name(root, path)
            source_layer = layer(source_module)
            tree = ast.parse(path.read_text(), filename=rel)
            for line, target in imported_modules(root, path, tree):
                target_layer = layer(target)
                if target_layer is None or source_layer is None:
                    continue
                if RANK[target_layer] > RANK[source_layer]:
                    problems.append(
                        Violation(
                            rel,
                            line,
                            f"{source_layer} module imports {target} ({target_layer}, a layer above)",
                        )
                    )
                elif (
                    source_layer in APPS
                    and _is_api(target)
                    and not _is_api(source_module)
                    and "migrations" not in source_module
                ):
                    problems.append(
                        Violation(
                            rel,
                            line,
                            f"{source_module} reads from the API module {target}: use the selectors",
                        )
                    )
            if source_layer in (*APPS, "kernel") and ".migrations" not in source_module:
                for node in ast.walk(tree):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "get_model"
                    ):
                        problems.append(
                            Violation(rel, node.lineno, "apps.get_model hides which app this depends on")
                        )
    return problems


def test_imports_run_one_way_down():
    problems = check(ROOT)
    assert not problems, "imports against the layers:\n" + "\n".join(map(str, problems))


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for top in SCANNED:
        (tmp_path / top).mkdir(exist_ok=True)
        (tmp_path / top / "__init__.py").touch()
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # The kernel imports an app: at module level, and inside a function.
        (
            {"vendorrisk/core/x.py": "from vendors.models import Lab\n"},
            "kernel module imports vendors.models",
        ),
        (
            {"vendorrisk/core/x.py": "def f():\n    from vendors import models\n"},
            "kernel module imports vendors.models",
        ),
        # An app imports one above it, absolute and relative-to-shell.
        ({"vendors/services.py": "import incidents.models\n"}, "vendors module imports incidents.models"),
        ({"incidents/x.py": "from vendorrisk import urls\n"}, "incidents module imports vendorrisk.urls"),
        # A page reads from an API module.
        (
            {"assessments/views.py": "from assessments.api.score_views import x\n"},
            "reads from the API module assessments.api.score_views",
        ),
        ({"vendors/x.py": "apps.get_model('incidents', 'Incident')\n"}, "apps.get_model"),
    ],
)
def test_the_check_finds_each_kind_of_violation(tmp_path, files, expected):
    extra = {
        "vendors/models.py": "",
        "incidents/models.py": "",
        "vendorrisk/urls.py": "",
        "assessments/api/__init__.py": "",
        "assessments/api/score_views.py": "",
    }
    root = _tree(tmp_path, {**extra, **files})
    messages = [str(v) for v in check(root)]
    assert any(expected in m for m in messages), messages


def test_allowed_imports_pass(tmp_path):
    root = _tree(
        tmp_path,
        {
            "vendors/models.py": "from vendorrisk.core.models import x\n",
            "vendorrisk/core/__init__.py": "",
            "vendorrisk/core/models.py": "",
            "incidents/models.py": "from vendors.models import Lab\nfrom .choices import Status\n",
            "incidents/choices.py": "",
            "vendorrisk/urls.py": "from assessments.api import views\n",
            "assessments/api/__init__.py": "",
            "assessments/api/views.py": "from ..selectors import x\n",
            "assessments/selectors.py": "",
        },
    )
    assert check(root) == []
