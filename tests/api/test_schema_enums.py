"""The OpenAPI documents name every choice set once: no enum-naming warnings (a choice set
used under two field names, e.g. 감면 구분 as ``category`` and ``discount_categories``,
got two names and a warning until ENUM_NAME_OVERRIDES named it)."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.parametrize("urlconf", ["suite.urls_tenant", "suite.urls_public"])
def test_no_enum_naming_warnings(world, urlconf):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    warnings = [w for w in GENERATOR_STATS._warn_cache if "enum" in w.lower()]
    assert warnings == []
    components = schema["components"]["schemas"]
    if urlconf == "suite.urls_tenant":
        assert "DiscountCategoryEnum" in components
        assert "CategoryEnum" not in components and "DiscountCategoriesEnum" not in components
