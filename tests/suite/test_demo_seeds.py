"""Apps join the demo through ``suite.demo.register_seed`` in their ``AppConfig.ready``:
no module is looked up by name, and the seeds run in the order their apps are installed
(people and departments first, then what uses them)."""

from suite import demo


def test_every_app_with_demo_data_registered_its_seed_in_order():
    keys = demo.demo_seeds.keys()
    assert keys[0] == "groupware"  # departments and people, which every other seed uses
    for key in ("approval", "exchange", "boards", "schedule", "facility_booking", "website"):
        assert key in keys
    assert keys.index("approval") < keys.index("exchange") < keys.index("website")
    assert keys.index("facility_booking") < keys.index("programs")
    assert len(demo.app_seed_hooks()) == len(keys)


def test_a_seed_hook_gets_the_institution_and_people(monkeypatch):
    seen = []
    registry = demo.Registry("test.seeds")
    monkeypatch.setattr(demo, "demo_seeds", registry)
    demo.register_seed("probe", lambda *, institution, people: seen.append((institution, people)))
    (hook,) = demo.app_seed_hooks()
    hook(institution="inst", people={"admin": "a"})
    assert seen == [("inst", {"admin": "a"})]
