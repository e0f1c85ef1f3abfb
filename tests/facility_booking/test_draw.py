"""The lottery draw as a pure function (facility_booking/draw.py): reproducible from the
published inputs, and — for any set of applications — no slot given twice, no party
over its limit, a slot only to someone who chose it."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facility_booking import draw

SECRET = "ab" * 32


def make_inputs(applications, *, slots=5, max_wins=1, secret=SECRET):
    return {
        "format": draw.FORMAT,
        "round": {
            "id": 7,
            "institution": "testa",
            "facility": "구장",
            "title": "t",
            "max_wins": max_wins,
        },
        "commitment": draw.sha256(secret),
        "secret": secret,
        "slots": [{"id": i, "start": f"s{i}", "end": f"e{i}"} for i in range(1, slots + 1)],
        "applications": applications,
    }


def test_the_same_inputs_give_the_same_result_and_a_file_round_trip_verifies():
    inputs = make_inputs(
        [{"id": i, "party": f"p{i}", "choices": [1 + i % 5, 1 + (i + 1) % 5]} for i in range(1, 21)]
    )
    first = draw.run(inputs)
    again = draw.run(json.loads(json.dumps(inputs)))
    assert first == again
    published = {**inputs, "result": first}
    same, _result = draw.verify(json.loads(json.dumps(published, ensure_ascii=False)))
    assert same
    assert len(first["awards"]) == 5


def test_another_secret_or_another_application_changes_the_seed():
    apps = [{"id": i, "party": f"p{i}", "choices": [1]} for i in range(1, 30)]
    base = draw.run(make_inputs(apps))
    other_secret = draw.run(make_inputs(apps, secret="cd" * 32))
    assert base["seed"] != other_secret["seed"]
    more = draw.run(make_inputs([*apps, {"id": 99, "party": "p99", "choices": [2]}]))
    assert more["seed"] != base["seed"]


def test_a_secret_that_does_not_match_the_commitment_is_refused():
    inputs = make_inputs([{"id": 1, "party": "p1", "choices": [1]}])
    inputs["secret"] = "00" * 32
    with pytest.raises(ValueError):
        draw.run(inputs)


def test_a_tampered_result_does_not_verify():
    inputs = make_inputs([{"id": i, "party": f"p{i}", "choices": [1, 2]} for i in range(1, 6)])
    result = draw.run(inputs)
    forged = copy.deepcopy(result)
    forged["awards"][0]["application"] = 5 if forged["awards"][0]["application"] != 5 else 4
    same, _ = draw.verify({**inputs, "result": forged})
    assert not same


def test_a_group_counts_once_and_everyone_gets_a_first_turn_before_a_second():
    # Party p1 applied through three members; p4 alone. Two wins each allowed, 3 slots.
    apps = [
        {"id": 1, "party": "p1", "choices": [1, 2, 3]},
        {"id": 2, "party": "p1", "choices": [1, 2, 3]},
        {"id": 3, "party": "p1", "choices": [1, 2, 3]},
        {"id": 4, "party": "p4", "choices": [1, 2, 3]},
    ]
    result = draw.run(make_inputs(apps, slots=3, max_wins=2))
    by_party = {}
    for award in result["awards"]:
        party = next(a["party"] for a in apps if a["id"] == award["application"])
        by_party[party] = by_party.get(party, 0) + 1
    assert by_party.get("p4") >= 1  # a first turn before anyone's second
    assert by_party.get("p1", 0) <= 2
    assert sum(by_party.values()) == 3


def test_the_cli_prints_the_result_and_says_whether_it_matches(tmp_path, capsys):
    inputs = make_inputs([{"id": i, "party": f"p{i}", "choices": [1, 2]} for i in range(1, 4)])
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps({**inputs, "result": draw.run(inputs)}), encoding="utf-8")
    assert draw.main(["draw", str(path)]) == 0
    assert "일치" in capsys.readouterr().out


applications_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=6),  # party index (groups share one)
        st.lists(st.integers(min_value=1, max_value=12), max_size=6),  # choices (may repeat)
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(
    applications=applications_strategy,
    slots=st.integers(min_value=1, max_value=10),
    max_wins=st.integers(min_value=1, max_value=4),
    secret=st.binary(min_size=8, max_size=32).map(bytes.hex),
)
def test_property_no_slot_twice_nobody_over_the_limit_only_chosen_slots(
    applications, slots, max_wins, secret
):
    apps = [
        {"id": index + 1, "party": f"p{party}", "choices": list(dict.fromkeys(choices))}
        for index, (party, choices) in enumerate(applications)
    ]
    inputs = make_inputs(apps, slots=slots, max_wins=max_wins, secret=secret)
    result = draw.run(inputs)
    awarded_slots = [a["slot"] for a in result["awards"]]
    assert len(awarded_slots) == len(set(awarded_slots)), "a slot given twice"
    assert all(1 <= s <= slots for s in awarded_slots), "a slot not on offer"
    party_of = {a["id"]: a["party"] for a in apps}
    wins = {}
    for award in result["awards"]:
        chooser = next(a for a in apps if a["id"] == award["application"])
        assert award["slot"] in chooser["choices"], "a slot to someone who did not choose it"
        party = party_of[award["application"]]
        wins[party] = wins.get(party, 0) + 1
    assert all(count <= max_wins for count in wins.values()), "a party over its limit"
    # Nothing left on the table: a free slot nobody could take, or a party under the
    # limit that chose a slot left free, would mean the draw stopped early.
    free = set(range(1, slots + 1)) - set(awarded_slots)
    for party in {a["party"] for a in apps}:
        if wins.get(party, 0) < max_wins:
            wanted = {c for a in apps if a["party"] == party for c in a["choices"]}
            assert not (wanted & free), "a party under its limit missed a free slot it chose"
    assert draw.run(copy.deepcopy(inputs)) == result
