from django.http import HttpResponse


def _stub(request, *args, **kwargs):
    return HttpResponse("")


inbox = create = leave_overview = notifications = notifications_read = post_report_ack = _stub
delegation = favourite_lines = favourite_line_delete = detail = edit = pdf = attachment = act = (
    _stub
)
