"""The OpenAPI documents are generated without a single warning or error — what
``manage.py spectacular --validate --fail-on-warn`` checks, for the apex and the
institution hosts alike. A list view without a model once warned (its filters' types were
guessed), and a choice set used under two field names (감면 구분 as ``category`` and
``discount_categories``) got two names until ENUM_NAME_OVERRIDES named it once."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.parametrize("urlconf", ["suite.urls_tenant", "suite.urls_public"])
def test_no_schema_warnings_for_the_whole_api(world, urlconf):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    components = schema["components"]["schemas"]
    if urlconf == "suite.urls_tenant":
        assert "DiscountCategoryEnum" in components
        assert "CategoryEnum" not in components and "DiscountCategoriesEnum" not in components
