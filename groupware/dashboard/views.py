"""The staff dashboard page."""

from django.shortcuts import render

from accounts.access import staff_page
from groupware.dashboard.selectors import build


@staff_page()
def home(request):
    """The dashboard: what is waiting, what is on today, who is away."""
    context = build(request)
    context["active"] = "home"
    return render(request, "groupware/dashboard.html", context)
