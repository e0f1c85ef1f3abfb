"""조직 — the org chart: departments, people, positions and ranks, absences, handover."""
