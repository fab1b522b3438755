"""The planning page and the engagement form's "Preview the effect" (DESIGN.md section 9).

Both run the what-if engine of the API (`assessments.whatif`): nothing is written, except a saved plan.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vendorrisk.core import charts
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors
from vendorrisk.core.roles import has_role
from vendors.forms import EngagementForm
from vendors.selectors import engagement_get, vendor_names

from .. import services
from ..forms import PlanForm
from ..services.plans import PLAN_SAVERS
from ..whatif import compose
from ..whatif.answer import Evaluation, PlanTooSlow, evaluate
from ..whatif.plan import PlanInvalid, PlanTooLarge
from ..whatif.selectors import what_if_plan_get, what_if_plan_list

SAVED_PLANS_SHOWN = 50


def _run(changes, *, request) -> tuple[Evaluation | None, list[str]]:
    """Evaluate, or the errors in plain words (change numbers count from 1, as people do)."""
    try:
        return evaluate(changes, user=request.user, request=request), []
    except PlanInvalid as exc:
        if isinstance(exc.errors, list):
            return None, exc.errors
        return None, [
            f"Change {int(index) + 1}: {field}: {' '.join(map(str, messages_))}"
            if str(index).isdigit()
            else f"{index}: {field}"
            for index, errors in exc.errors.items()
            for field, messages_ in (errors.items() if isinstance(errors, dict) else [("changes", errors)])
        ]
    except (PlanTooLarge, PlanTooSlow) as exc:
        return None, [str(exc)]


def _lab_chart(evaluation: Evaluation, lab_id: int, names: dict[int, str]) -> dict | None:
    """The lab's share bars before and after, or None when the plan leaves the lab's shares alone."""
    before, after = evaluation.before.labs.get(lab_id), evaluation.after.labs.get(lab_id)
    if before is None or after is None or before.groups == after.groups:
        return None

    def bars(groups):
        rows = sorted(groups, key=lambda g: (-g["reach_share"], -g["share"], g["group"]))[:15]
        return charts.share_bars(
            [{**g, "label": names.get(g["group"], f"Vendor {g['group']}")} for g in rows]
        )

    return {"before": bars(before.groups), "after": bars(after.groups)}


def _result_context(evaluation: Evaluation | None, lab_id: int | None) -> dict:
    if evaluation is None:
        return {}
    answer = evaluation.answer
    groups = set()
    if lab_id is not None:
        for result in (evaluation.before, evaluation.after):
            groups |= {g["group"] for g in getattr(result.labs.get(lab_id), "groups", [])}
    shared = answer["shared_dependencies"]
    names = vendor_names(groups | set(shared["added"]) | set(shared["removed"]) | _lab_vendor_ids(answer))
    return {
        "answer": answer,
        "names": names,
        "shared_added": [names.get(v, "") for v in shared["added"]],
        "shared_removed": [names.get(v, "") for v in shared["removed"]],
        "lab_rows": [_named_lab_row(row, names) for row in answer["labs"]],
        "chart": _lab_chart(evaluation, lab_id, names) if lab_id is not None else None,
    }


def _lab_vendor_ids(answer: dict) -> set[int]:
    ids = set()
    for row in answer["labs"]:
        for side in (row["before"], row["after"]):
            if side:
                ids.add(side["top_vendor"])
                if side["single_point_of_failure"]:
                    ids.add(side["single_point_of_failure"]["vendor"])
    return ids - {None}


def _named_lab_row(row: dict, names: dict[int, str]) -> dict:
    def named(side):
        if side is None:
            return None
        spof = side["single_point_of_failure"]
        return {
            **side,
            "top_name": names.get(side["top_vendor"], ""),
            "spof_name": names.get(spof["vendor"], "") if spof else "",
        }

    return {**row, "before": named(row["before"]), "after": named(row["after"])}


@login_required
def planning(request, pk=None):
    """Compose a plan, see before → after; save it (shared with the lab's users) and re-run it later."""
    user = request.user
    saved = what_if_plan_get(user=user, pk=pk) if pk is not None else None
    initial = {}
    if saved is not None:
        initial = {"lab": saved.lab, "name": saved.name, "changes": compose.dumps(saved.changes)}
    form = PlanForm(request.POST or None, user=user, initial=initial)
    errors: list[str] = []
    evaluation = None
    changes: list = saved.changes if saved is not None else []
    lab = saved.lab if saved is not None else None
    if request.method == "POST" and form.is_valid():
        lab, action = form.cleaned_data["lab"], request.POST.get("action", "run")
        try:
            changes = compose.parse_changes(form.cleaned_data["changes"])
        except ValueError as exc:
            form.add_error("changes", str(exc))
        else:
            changes += _added(action, form, lab, changes, user=user)
            if action == "delete" and saved is not None:
                return _delete(request, saved)
            evaluation, errors = _run(changes, request=request)
            if action == "save" and evaluation is not None:
                response = _save(request, form, saved, lab, changes)
                if response is not None:
                    return response
            form = PlanForm(None, user=user, initial={**form.cleaned_data, "changes": compose.dumps(changes)})
    elif request.method == "GET" and saved is not None:
        evaluation, errors = _run(changes, request=request)  # a saved plan re-runs against current data
    context = {
        "form": form,
        "saved": saved,
        "errors": errors,
        "can_save": has_role(user, PLAN_SAVERS),
        "plans": list(what_if_plan_list(user=user)[:SAVED_PLANS_SHOWN]),
        **_result_context(evaluation, lab.id if lab is not None else None),
    }
    return render(request, "assessments/planning.html", context)


def _added(action: str, form: PlanForm, lab, changes: list, *, user) -> list[dict]:
    vendor, other = form.cleaned_data.get("vendor"), form.cleaned_data.get("other_vendor")
    needs = {"add_replace": (vendor, other), "add_end": (vendor,), "add_breach": (vendor,)}.get(action)
    if needs is None:
        return []
    if not all(needs):
        form.add_error("vendor", "Choose the vendor(s) this change names.")
        return []
    if action == "add_replace":
        return compose.replace_vendor(user=user, lab=lab, old_vendor=vendor, new_vendor=other)
    if action == "add_end":
        return compose.end_engagements(user=user, lab=lab, vendor=vendor, today=timezone.now().date())
    return [compose.breach(vendor=vendor, ref=compose.next_ref(changes), now=timezone.now())]


def _save(request, form: PlanForm, saved, lab, changes: list):
    if not has_role(request.user, PLAN_SAVERS):
        raise PermissionDenied
    name = form.cleaned_data["name"].strip()
    if not name:
        form.add_error("name", "Name the plan to save it.")
        return None
    try:
        plan = services.what_if_plan_save(
            actor=request.user, name=name, lab=lab, changes=changes, instance=saved
        )
    except (ValidationError, ApplicationError) as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, f"Plan “{plan.name}” saved: everyone who sees {lab.name} can re-run it.")
    return redirect("ui:planning-plan", pk=plan.pk)


def _delete(request, saved):
    if not has_role(request.user, PLAN_SAVERS):
        raise PermissionDenied
    services.what_if_plan_delete(actor=request.user, instance=saved)
    messages.success(request, f"Plan “{saved.name}” deleted.")
    return redirect("ui:planning")


@require_POST
@login_required
def engagement_preview(request, pk=None):
    """The engagement form's "Preview the effect": the vendor's and lab's before → after, and warnings."""
    instance = engagement_get(user=request.user, pk=pk) if pk is not None else None
    form = EngagementForm(request.POST, user=request.user, instance=instance and compose.copy_of(instance))
    context: dict = {"form": form}
    if form.is_valid():
        fields = compose.api_fields(form.service_data())
        change = (
            {"op": "update", "object": "engagement", "id": instance.id, "fields": fields}
            if instance is not None
            else {"op": "create", "object": "engagement", "ref": "new:1", "fields": fields}
        )
        evaluation, errors = _run([change], request=request)
        context.update({"errors": errors, **_result_context(evaluation, None)})
        context["vendor"], context["lab"] = form.cleaned_data["vendor"], form.cleaned_data["lab"]
    return render(request, "assessments/partials/whatif_preview.html", context)
