"""Korean display formats (FORMAT_MODULE_PATH = ["suite.formats"]): 2026. 11. 25., 15:20.

Django's own ko formats spell dates "2026년 11월 25일"; Korean public bodies write
``YYYY. M. D.`` (행정업무규정 시행규칙), so the suite's defaults follow that. Input
formats are not set here: Django's ko input formats (ISO dates among them) still apply.
suite.dates formats the same way from Python.
"""

DATE_FORMAT = "Y. n. j."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y. n. j. H:i"
YEAR_MONTH_FORMAT = "Y. n."
MONTH_DAY_FORMAT = "n. j."
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
