"""회의실·차량 — internal rooms and vehicles, booked through facility_booking's engine."""
