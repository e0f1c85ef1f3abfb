"""The staff directory shows each person's e-mail and mobile phone, masked as the
privacy rules require (docs/privacy.md), so colleagues can be found."""

from privacy.public import mask_email, mask_phone


def test_directory_shows_masked_email_and_phone(world, org, on_host):
    world.staff_a2.phone = "010-2345-6789"
    world.staff_a2.save(update_fields=["phone"])
    body = on_host(world.inst_a, world.staff_a).get("/staff/directory/").content.decode()
    assert mask_email(world.staff_a2.email) in body
    assert mask_phone("010-2345-6789") in body
    assert world.staff_a2.email not in body and "010-2345-6789" not in body
