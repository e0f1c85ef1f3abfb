"""The institution host's OpenAPI document is generated without a warning from 전자결재,
문서유통, boards or the org chart (`manage.py spectacular --validate --fail-on-warn`):
list views answer schema generation without a person (``swagger_fake_view``), the
exchange's inputs do not share a component name with approval's, and every filter's
type is known."""

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

APPS = ("groupware/approval/", "groupware/exchange/", "groupware/boards/", "groupware/org/")


def test_no_schema_warnings_from_approval_exchange_boards_org(world):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="suite.urls_tenant").get_schema(request=None, public=True)
    warnings = [w for w in GENERATOR_STATS._warn_cache if any(app in w for app in APPS)]
    assert warnings == []
    components = schema["components"]["schemas"]
    assert "ReceivedStateEnum" in components
    assert {"ReceivedReturnInputRequest", "ReceivedCirculateInputRequest"} <= set(components)
