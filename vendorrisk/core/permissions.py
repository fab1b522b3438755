"""Role checks for the API. Scope (which labs) is the selectors' job; this only asks "may this role write"."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import ADMIN_ONLY, has_role


def write_roles_for(view) -> frozenset:
    getter = getattr(view, "get_write_roles", None)
    if getter is not None:
        return getter()
    return getattr(view, "write_roles", ADMIN_ONLY)


class RolePermission(BasePermission):
    """Reads need a signed-in user; writes need one of the view's `write_roles`.

    On detail routes the role is checked after the object is found, so an object outside the
    caller's labs is a 404 for every method, and a visible one a 403.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return getattr(view, "read_roles", None) is None or has_role(request.user, view.read_roles)
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if lookup in getattr(view, "kwargs", {}) and getattr(view, "check_role_on_object", True):
            return True
        return has_role(request.user, write_roles_for(view))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return has_role(request.user, write_roles_for(view))
