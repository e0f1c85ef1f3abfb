import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suite.settings.production")
application = get_wsgi_application()

# The waiting room's join and poll over the API are answered in front of the middleware
# stack (facility_booking/waiting_room_lane.py); everything else goes to Django as is.
from facility_booking.waiting_room_lane import QueueLane  # noqa: E402

application = QueueLane(application)

# Each gunicorn worker (and the development server) imports this module after it has
# started and before it accepts a request: warm the PDF renderer here, so the first
# permit a resident downloads from a fresh worker does not pay for loading it.
if os.environ.get("SUITE_PDF_WARM", "1") != "0":
    from suite.pdf import warm

    warm()

# … and the views, catalogues and holidays the first requests would load (suite/warm.py).
if os.environ.get("SUITE_WARM", "1") != "0":
    from suite.warm import warm_requests

    warm_requests()
