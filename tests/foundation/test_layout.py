"""The base layout: accessible landmarks, phone viewport, language switch."""


def test_base_layout_is_accessible(world, apex):
    body = apex().get("/").content.decode()
    assert 'name="viewport"' in body
    assert 'class="skip-link" href="#main"' in body
    for landmark in ('role="banner"', "<nav", '<main id="main"', 'role="contentinfo"'):
        assert landmark in body
    assert '<html lang="ko">' in body
    assert 'for="lang-select"' in body


def test_language_switch_to_english(world, apex):
    client = apex()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body


def test_forms_label_every_field(world, apex):
    body = apex().get("/accounts/signup/").content.decode()
    for field in ("id_name", "id_email", "id_password1", "id_password2"):
        assert f'for="{field}"' in body


def test_korean_even_when_the_browser_asks_for_english(world, apex):
    body = apex().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ko">' in body


def test_profile_language_is_used_when_no_choice_was_made(world, apex):
    world.resident.preferred_language = "en"
    world.resident.save()
    body = apex(world.resident).get("/").content.decode()
    assert '<html lang="en">' in body
