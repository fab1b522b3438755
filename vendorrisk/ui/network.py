"""The dependency network page: labs → vendors → fourth parties, one lab or all of the user's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vendors.selectors import lab_list

from . import charts
from .reads import NETWORK_COLUMNS, network_graph


@login_required
def network(request):
    labs = list(lab_list(user=request.user).order_by("name"))
    selected = None
    value = request.GET.get("lab", "")
    error = ""
    if value:
        selected = next((lab for lab in labs if str(lab.id) == value), None)
        if selected is None:
            error = "Choose one of your labs."
    graph, stats = network_graph(request.user, lab=selected) if not error else (charts.Graph(), {})
    context = {
        "labs": labs,
        "selected": selected,
        "error": error,
        "graph": charts.layered_graph(graph, column_titles=NETWORK_COLUMNS),
        "stats": stats,
    }
    return render(request, "network.html", context)
