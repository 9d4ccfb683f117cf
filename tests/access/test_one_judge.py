"""Every access decision is made in ``portal/access/rule.py``: no other module compares a
user's country with an item's, tests a role, or treats superusers specially.

A decision made elsewhere is the kind of code that drifts from the rule (issue 11 found
review rights, the expert rule restated in SQL and a second detail-view base). This test
reads the source of every portal module and fails on such a comparison outside the rule,
naming the file and line, so the next one is caught when it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULE = ROOT / "portal" / "access" / "rule.py"

#: Modules that may name these attributes without deciding anything, with the reason.
ALLOWED = {
    # The model defines has_role; the rule calls it.
    "portal/access/models/users.py": "defines User.has_role",
    # The demo creates its users and their roles.
    "portal/demo": "creates demo users with their roles",
    # The API describes the signed-in user to themselves (/api/v1/me): no decision.
    "portal/api/routers.py": "reports the user's own flags",
    "portal/api/schemas.py": "declares the /me schema",
}

#: Attribute names whose comparison or test is an access decision.
COUNTRY_ATTRIBUTES = {"country_id", "owner_country_id", "country"}
DECIDING_CALLS = {"has_role"}
DECIDING_FLAGS = {"is_superuser", "is_staff"}


def _modules() -> list[Path]:
    paths = [*ROOT.joinpath("portal").rglob("*.py"), *ROOT.joinpath("search").rglob("*.py")]
    return sorted(p for p in paths if "migrations" not in p.parts and p != RULE)


def _allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return any(relative == key or relative.startswith(key + "/") for key in ALLOWED)


def _attribute_names(node: ast.AST) -> set[str]:
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def decisions_outside_the_rule(source: str) -> list[tuple[int, str]]:
    """(line, what) of every comparison of two countries, role test or superuser test."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            country_sides = [s for s in sides if _attribute_names(s) & COUNTRY_ATTRIBUTES]
            if len(country_sides) >= 2:
                found.append((node.lineno, "compares countries"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in DECIDING_CALLS
        ):
            found.append((node.lineno, f"calls {node.func.attr}()"))
        if (
            isinstance(node, ast.Attribute)
            and node.attr in DECIDING_FLAGS
            and isinstance(node.ctx, ast.Load)
        ):
            found.append((node.lineno, f"reads {node.attr}"))
        if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("groups__name"):
            found.append((node.lineno, "filters users by role group"))
    return found


def test_no_access_decision_outside_the_rule():
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _modules()
        if not _allowed(path)
        for line, what in decisions_outside_the_rule(path.read_text())
    ]
    assert offences == [], "Access decisions belong in portal/access/rule.py:\n" + "\n".join(
        offences
    )


@pytest.mark.parametrize(
    "source",
    [
        "ok = reviewer.country_id != alert.owner_country_id",
        "ok = user.has_role(Role.EXPERT)",
        "ok = request.user.is_superuser",
        "q = User.objects.filter(groups__name='Document experts')",
    ],
)
def test_the_scan_finds_each_kind_of_decision(source):
    assert decisions_outside_the_rule(source)


def test_the_scan_leaves_plain_code_alone():
    assert decisions_outside_the_rule("alert.owner_country_id = user.country_id\nx = a == b") == []
