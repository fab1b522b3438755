"""The house rule for writes, read from the code: only an app's services create, update or delete rows of a
domain model (DESIGN.md section 8: one service per state change, used by every path, recording its events).

Flagged outside `<app>/services.py` / `<app>/services/`, migrations and tests:
- a write method (`create`, `bulk_create`, `get_or_create`, `update_or_create`, `update`, `delete`,
  `bulk_update`) on a manager or queryset of a domain model (`Vendor.objects.filter(...).update(...)`), or
  of a model held in a variable (`model.objects.bulk_create(...)`);
- the kernel write helpers (`model_create`, `model_update`, `model_delete`, `model_bulk_create`);
- `.save()` / `.delete()` on anything, in the apps and in the shell's write paths (demo, commands, admin
  imports), where the object's type cannot be read from the code.
The few justified exceptions are listed in ALLOWED with their reason.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("vendors", "incidents", "assessments", "webhooks")
SCANNED = ("vendorrisk", *APPS, "scripts")
QUERY_WRITES = {
    "create",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
    "bulk_update",
}
INSTANCE_WRITES = {"save", "delete"}
HELPERS = {"model_create", "model_update", "model_delete", "model_bulk_create"}
# Shell modules that write what users own: held to the instance rule too.
SHELL_WRITE_PATHS = ("vendorrisk/demo/", "vendorrisk/management/", "vendorrisk/admin_imports.py")

# (path, what is called) → why it may write there.
ALLOWED: dict[tuple[str, str], str] = {
    ("vendors/dirty.py", "ScoreMark.objects.bulk_create"): (
        "score marks are the recompute's work queue; the services write them through this module"
    ),
    ("assessments/recompute.py", "history_model.objects.bulk_create"): "the recompute writes score history",
    ("assessments/recompute.py", "SharedDependency.objects.delete"): "the recompute rebuilds derived rows",
    ("assessments/recompute.py", "model.objects.bulk_create"): "the recompute writes the score rows",
    ("assessments/recompute.py", "ScoreMark.objects.delete"): "the recompute consumes the marks it drained",
    (
        "assessments/recompute.py",
        "VendorLabScore.objects.delete",
    ): "the recompute rewrites per-lab score rows",
    (
        "assessments/recompute.py",
        "VendorLabScore.objects.bulk_create",
    ): "the recompute writes per-lab score rows",
    ("assessments/incremental.py", "VendorLabScore.objects.delete"): "the incremental drain rewrites pairs",
    (
        "assessments/incremental.py",
        "VendorLabScore.objects.bulk_create",
    ): "the incremental drain writes pairs",
    (
        "assessments/incremental.py",
        "SharedDependency.objects.delete",
    ): "the incremental drain re-decides them",
    (
        "assessments/incremental.py",
        "SharedDependency.objects.bulk_create",
    ): "the incremental drain writes them",
    ("vendors/dirty.py", "GraphVersion.objects.update"): "graph writes change the cached graph's version",
    ("vendors/dirty.py", "GraphVersion.objects.create"): "the first graph write creates the version row",
    (
        "assessments/rebuild.py",
        "model.objects.delete",
    ): "the full rebuild replaces the derived score rows (SQLite; PostgreSQL swaps tables)",
    ("assessments/rebuild.py", "model.objects.bulk_create"): "the full rebuild writes the score rows",
    ("assessments/rebuild.py", "ScoreMark.objects.delete"): "a full rebuild leaves no mark to drain",
    ("assessments/whatif/plan.py", "self.delete"): "the plan's in-memory delete of a planned change, no row",
    ("assessments/recompute.py", "VendorScore.objects.delete"): "the recompute drops rows of deleted vendors",
    (
        "assessments/recompute.py",
        "LabConcentration.objects.delete",
    ): "the recompute drops rows of deleted labs",
    ("incidents/notifications.py", "model_create"): (
        "notification rows are the system's: the upkeep (run by the incidents consumers) creates them and "
        "records notification.created"
    ),
    (
        "incidents/notifications.py",
        "model_update",
    ): "the upkeep re-times and retires them (notification.updated)",
    ("incidents/notifications.py", "Notification.objects.update"): (
        "the deadline warning stamps its rows and records notification.due_soon/overdue"
    ),
    ("assessments/importers/historical.py", "Questionnaire.objects.create"): (
        "data migrations write with historical models, which must not use the services"
    ),
    ("assessments/importers/historical.py", "Question.objects.create"): "as above, for data migrations",
    ("assessments/admin.py", "default_storage.delete"): "a stored file, not a row",
    ("vendorrisk/demo/loaders.py", "user.save"): "demo users are kernel accounts, not domain rows",
    ("vendorrisk/admin_imports.py", "job.file.save"): "an upload's file, not a row",
    ("vendorrisk/admin_imports.py", "job.save"): "import job bookkeeping (a kernel model)",
}
ALLOWED_MODULES = {
    # The kernel's write helpers: what the services call to validate, save and audit.
    "vendorrisk/core/services.py",
    "vendorrisk/core/bulk.py",
    # The benchmark builds a synthetic world of 100,000 engagements directly (it measures the services'
    # writes separately, through them); nothing it writes is anyone's data.
    "vendorrisk/management/commands/bench_scores.py",
    "vendorrisk/management/bench_world.py",
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    call: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}"


def domain_models(root: Path) -> set[str]:
    names = set()
    for app in APPS:
        for path in [root / app / "models.py", *sorted((root / app / "models").glob("*.py"))]:
            if path.is_file():
                tree = ast.parse(path.read_text())
                names |= {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    return names


def receiver(node: ast.AST) -> list[str]:
    """The names along a call's receiver, outermost first: `A.objects.filter(x).update` → [A, objects, filter]."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                parts.append(node.id)
            return list(reversed(parts))


def is_service(rel: str) -> bool:
    parts = rel.split("/")
    return parts[0] in APPS and (parts[1] == "services.py" or parts[1] == "services")


def check(root: Path) -> list[Violation]:
    models = domain_models(root)
    problems = []
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            rel = str(path.relative_to(root))
            if "/migrations/" in rel or is_service(rel) or rel in ALLOWED_MODULES:
                continue
            instance_rule = rel.split("/")[0] in APPS or rel.startswith(SHELL_WRITE_PATHS)
            for node in ast.walk(ast.parse(path.read_text(), filename=rel)):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Name) and func.id in HELPERS:
                    call = func.id
                elif isinstance(func, ast.Attribute):
                    chain = receiver(func.value)
                    root_name = chain[0] if chain else ""
                    on_manager = "objects" in chain and (root_name in models or root_name[:1].islower())
                    if func.attr in HELPERS:
                        call = func.attr
                    elif func.attr in QUERY_WRITES and on_manager:
                        call = f"{root_name}.objects.{func.attr}"
                    elif func.attr in INSTANCE_WRITES and instance_rule and "super" not in chain:
                        call = ".".join([*chain, func.attr])
                    else:
                        continue
                else:
                    continue
                if (rel, call) not in ALLOWED:
                    problems.append(Violation(rel, node.lineno, call))
    return problems


def test_only_services_write_domain_rows():
    problems = check(ROOT)
    assert not problems, "writes outside the services:\n" + "\n".join(map(str, problems))


def test_every_exception_still_exists():
    """An allow-list entry whose write is gone is dropped, so the list stays the few real exceptions."""
    empty_allowed = dict(ALLOWED)
    ALLOWED.clear()
    try:
        found = {(v.path, v.call) for v in check(ROOT)}
    finally:
        ALLOWED.update(empty_allowed)
    assert set(ALLOWED) <= found, sorted(set(ALLOWED) - found)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for top in SCANNED:
        (tmp_path / top).mkdir(exist_ok=True)
    (tmp_path / "vendors" / "models.py").write_text("class Vendor:\n    pass\n")
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path


def test_the_check_finds_each_kind_of_write(tmp_path):
    root = _tree(
        tmp_path,
        {
            "vendors/views.py": "Vendor.objects.filter(x=1).update(y=2)\n",
            "incidents/importers/x.py": "def f(model):\n    model.objects.bulk_create([])\n",
            "vendorrisk/demo/x.py": "def f(vendor):\n    vendor.save()\n",
            "assessments/x.py": "model_create(Vendor, actor=None, data={})\n",
        },
    )
    found = sorted(str(v) for v in check(root))
    assert found == [
        "assessments/x.py:1: model_create",
        "incidents/importers/x.py:2: model.objects.bulk_create",
        "vendorrisk/demo/x.py:2: vendor.save",
        "vendors/views.py:1: Vendor.objects.update",
    ]


def test_services_migrations_and_non_writes_pass(tmp_path):
    root = _tree(
        tmp_path,
        {
            "vendors/services.py": "Vendor.objects.create(name='x')\n",
            "assessments/services/things.py": "def f(a):\n    a.save()\n",
            "vendors/migrations/0002_x.py": "Vendor.objects.update(x=1)\n",
            "vendors/selectors.py": "seen = {}\nseen.update(a=1)\nVendor.objects.filter(x=1)\n",
            "vendorrisk/core/x.py": "def f(user):\n    user.save()\n",
        },
    )
    assert check(root) == []
