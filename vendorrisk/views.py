from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vendors.selectors import engagement_list, lab_list, vendor_list


@login_required
def home(request):
    user = request.user
    context = {
        "lab_count": lab_list(user=user).count(),
        "vendor_count": vendor_list(user=user).count(),
        "engagement_count": engagement_list(user=user).count(),
    }
    return render(request, "home.html", context)
