"""English display formats (FORMAT_MODULE_PATH = ["suite.formats"]): Dec 1, 2026, 15:20.

Django's own en formats write "Dec. 1, 2026" and "3:20 p.m."; the suite writes the
month without a full stop and keeps the 24-hour clock its Korean pages use, so a time
reads the same in both languages. Input formats are Django's en ones (ISO dates among
them). suite.dates formats the same way from Python.
"""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "M j, Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "M j"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
