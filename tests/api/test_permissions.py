"""The permission matrix: every endpoint × every role × an object in or out of the caller's labs.

The table is DESIGN.md sections 4–5, as declared on each resource (read_roles, write_roles, lab_owned,
methods); `expected` below states the rules once:

- anonymous: 401 for everything;
- a role that may not read the resource (audit: viewer, procurement; users: all but admin): 403;
- an object outside the caller's labs: 404 for every method (a create naming another lab: 400);
- a role that may not write an object it can see: 403;
- otherwise 200 / 201 / 204.

Non-admin roles are limited to Lab A; "out" objects belong to Lab B (admins see them: never limited).
"""

import pytest

from .resources import RESOURCES, ROLES, Resource

OPERATIONS = [  # (operation, HTTP method, on the detail route)
    ("list", "GET", False),
    ("create", "POST", False),
    ("retrieve", "GET", True),
    ("update", "PUT", True),
    ("partial_update", "PATCH", True),
    ("destroy", "DELETE", True),
]


def expected(r: type[Resource], role: str, scope: str, operation: str) -> int:
    if role == "anonymous":
        return 401
    if r.read_roles is not None and role not in r.read_roles:
        return 403
    visible = scope == "in" or role == "admin"
    if operation == "list":
        return 200
    if operation == "create":
        if role not in r.write_roles:
            return 403
        return 201 if visible else 400
    if not visible:
        return 404
    if operation == "retrieve":
        return 200
    if role not in r.write_roles:
        return 403
    return 204 if operation == "destroy" else 200


def operations(r: type[Resource], scope: str):
    for operation, method, detail in OPERATIONS:
        if not r.allows(method) or (detail and not r.has_detail):
            continue
        if scope == "out" and operation == "list":
            continue  # a list has no scope; test_scoping checks what it leaves out
        yield operation, method, detail


MATRIX = [
    pytest.param(r, role, scope, id=f"{r.name}-{role}-{scope}")
    for r in RESOURCES
    for role in ("anonymous", *ROLES)
    for scope in (("in", "out") if r.lab_owned else ("in",))
]


@pytest.mark.parametrize(("resource", "role", "scope"), MATRIX)
def test_permission_matrix(world, role_users, api_client_for, resource, role, scope):
    r = resource(world)
    client = api_client_for(role_users.get(role))
    lab = world.lab_a if scope == "in" else world.lab_b
    wrong = []
    for operation, method, detail in operations(resource, scope):
        want = expected(resource, role, scope, operation)
        obj = r.make(lab) if detail else None
        url = r.detail_url(obj) if detail else r.list_url()
        if method == "POST":
            payload = r.create_payload(lab)
        elif method == "PUT":
            payload = r.put_payload(obj)
        elif method == "PATCH":
            payload = r.patch_payload(obj)
        else:
            payload = None
        response = getattr(client, method.lower())(url, payload)
        if response.status_code != want:
            wrong.append(
                f"{operation} {method} {url}: expected {want}, got {response.status_code} {response.content[:200]!r}"
            )
        elif want >= 400:
            assert "detail" in response.json() or want == 400, response.content
        if want == 404 and obj is not None:
            assert r.model.objects.filter(pk=obj.pk).exists(), "a 404 must not have deleted anything"
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_resource_and_role():
    covered = {(p.values[0].name, p.values[1]) for p in MATRIX}
    assert covered == {(r.name, role) for r in RESOURCES for role in ("anonymous", *ROLES)}
