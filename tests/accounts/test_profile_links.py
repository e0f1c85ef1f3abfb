"""The profile page leads to the resident hub's settings (birth date and address for
discounts, phone verification, notification channels), on the portal host, from the
portal and from an institution's host alike."""

from tenants.models import apex_url


def test_profile_links_to_the_hub_settings_on_the_portal(world, apex):
    client = apex(world.resident)
    body = client.get("/accounts/profile/").content.decode()
    assert 'href="/portal/my/settings/"' in body
    assert client.get("/portal/my/settings/").status_code == 200


def test_profile_on_an_institution_host_links_to_the_portal_host(world, on_host):
    response = on_host(world.inst_a, world.resident).get("/accounts/profile/")
    assert response.status_code == 200
    assert f'href="{apex_url("/portal/my/settings/")}"' in response.content.decode()
