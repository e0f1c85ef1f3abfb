"""The lottery draw (추첨), as a pure function of a published inputs file.

Standard library only, so anyone can re-run a draw without the suite::

    python -m facility_booking.draw inputs.json      # or: manage.py lottery_verify inputs.json

The algorithm (docs/facility_booking.md, "추첨"):

1. When the round opens, the institution publishes ``commitment`` = SHA-256 of a random
   ``secret`` (64 hex characters). Nobody can choose the seed after seeing who applied.
2. At the draw the secret is revealed. ``digest`` = SHA-256 of the canonical JSON of
   the round, the slots and the applications (ids, party labels and ranked choices;
   no personal data). ``seed`` = SHA-256 of ``secret + ":" + digest``.
3. Each party (a person, or people who share a group name or phone number: groups
   count once) gets a ticket SHA-256 of ``seed + ":" + party``; parties are ordered by
   ticket (then label).
4. Passes: in every pass each party in that order, while under ``max_wins``, takes its
   best-ranked choice still free (a party's choices merged by rank, then application
   id). A pass in which nobody takes anything ends the draw; at most ``max_wins``
   passes. Nobody gets a second slot before everyone had a turn at a first.

No slot is given twice, no party wins more than ``max_wins``, and a slot only goes
to someone who chose it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

FORMAT = "agency-cloud-suite/lottery-draw/1"


def canonical(value: Any) -> bytes:
    """The one byte string a JSON value hashes as: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def inputs_digest(inputs: dict) -> str:
    """SHA-256 of what the draw depends on besides the secret."""
    return sha256(
        canonical(
            {
                "round": inputs["round"],
                "slots": inputs["slots"],
                "applications": inputs["applications"],
            }
        )
    )


def derive_seed(secret: str, digest: str) -> str:
    return sha256(f"{secret}:{digest}")


def ticket(seed: str, party: str) -> str:
    return sha256(f"{seed}:{party}")


def run(inputs: dict) -> dict:
    """Draw from ``inputs``; the same inputs always give the same result.

    Raises ValueError when the revealed secret does not match the published commitment.
    """
    secret = inputs["secret"]
    if sha256(secret) != inputs["commitment"]:
        raise ValueError("the secret does not match the published commitment")
    digest = inputs_digest(inputs)
    seed = derive_seed(secret, digest)
    max_wins = int(inputs["round"]["max_wins"])
    offered = {int(s["id"]) for s in inputs["slots"]}
    choices: dict[str, list[tuple[int, int, int]]] = {}
    for application in inputs["applications"]:
        party = str(application["party"])
        merged = choices.setdefault(party, [])
        for rank, slot in enumerate(application["choices"], start=1):
            if int(slot) in offered:
                merged.append((rank, int(application["id"]), int(slot)))
    for merged in choices.values():
        merged.sort()
    order = sorted(choices, key=lambda party: (ticket(seed, party), party))
    taken: dict[int, int] = {}
    wins = dict.fromkeys(order, 0)
    for _pass in range(max_wins):
        progress = False
        for party in order:
            if wins[party] >= max_wins:
                continue
            for _rank, application_id, slot in choices[party]:
                if slot not in taken:
                    taken[slot] = application_id
                    wins[party] += 1
                    progress = True
                    break
        if not progress:
            break
    winners = sorted(set(taken.values()))
    return {
        "digest": digest,
        "seed": seed,
        "order": order,
        "awards": [{"slot": slot, "application": taken[slot]} for slot in sorted(taken)],
        "winners": winners,
        "losers": sorted(
            int(a["id"]) for a in inputs["applications"] if int(a["id"]) not in set(winners)
        ),
    }


def verify(inputs: dict) -> tuple[bool, dict]:
    """Re-run the draw; True when it equals the result published in the file."""
    result = run(inputs)
    published = inputs.get("result") or {}
    same = all(result[key] == published.get(key) for key in ("seed", "awards", "winners"))
    return same, result


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m facility_booking.draw inputs.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        inputs = json.load(handle)
    same, result = verify(inputs)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("일치: 공개된 결과와 같습니다." if same else "불일치: 공개된 결과와 다릅니다.")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
