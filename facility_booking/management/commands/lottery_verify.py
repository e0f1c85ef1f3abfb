"""Re-run a lottery draw from its published inputs file and compare with the result."""

import json

from django.core.management.base import BaseCommand, CommandError

from facility_booking import draw


class Command(BaseCommand):
    help = (
        "Re-run a lottery draw from its inputs file (the round page's 'inputs.json'): checks "
        "the revealed secret against the commitment and prints the awards; exit 1 when they "
        "differ from the published result."
    )

    def add_arguments(self, parser):
        parser.add_argument("inputs", help="path to the downloaded inputs.json")

    def handle(self, *args, inputs, **options):
        try:
            with open(inputs, encoding="utf-8") as handle:
                data = json.load(handle)
            same, result = draw.verify(data)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"검증할 수 없습니다: {error}") from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if same:
            self.stdout.write(self.style.SUCCESS("일치: 공개된 추첨 결과와 같습니다."))
        else:
            self.stdout.write(self.style.ERROR("불일치: 공개된 추첨 결과와 다릅니다."))
            raise SystemExit(1)
