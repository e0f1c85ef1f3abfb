"""The built-in 양식 every institution starts with (migration 0005 copies them in; an
institution's admin adds its own in 양식 관리). Field definitions: see FormTemplate."""

from __future__ import annotations

PAYMENT_METHODS = ["계좌이체", "법인카드", "현금", "지로·자동이체"]
TRANSPORT = ["관용차량", "대중교통", "자가용", "항공"]

BUILTIN_FORMS: list[dict] = [
    {
        "code": "general",
        "name": "기안문",
        "description": "일반 기안문 (내부결재 또는 대외 시행문)",
        "order": 10,
        "fields": [],
    },
    {
        "code": "expense",
        "name": "지출결의서",
        "description": "지출 금액, 예산과목, 거래처, 지급방법, 지출 내역 (증빙 첨부 필수)",
        "order": 20,
        "amount_field": "amount",
        "requires_attachment": True,
        "fields": [
            {"key": "amount", "label": "지출 금액", "type": "money", "required": True},
            {
                "key": "budget_item",
                "label": "예산과목",
                "type": "text",
                "required": True,
                "help": "예: 사무관리비 > 일반수용비",
            },
            {"key": "vendor", "label": "거래처", "type": "text", "required": True},
            {
                "key": "payment_method",
                "label": "지급방법",
                "type": "choice",
                "required": True,
                "choices": PAYMENT_METHODS,
            },
            {
                "key": "items",
                "label": "지출 내역",
                "type": "table",
                "required": True,
                "columns": [
                    {"key": "name", "label": "품명", "type": "text", "required": True},
                    {"key": "quantity", "label": "수량", "type": "number"},
                    {"key": "unit_price", "label": "단가", "type": "money"},
                    {
                        "key": "amount",
                        "label": "금액",
                        "type": "money",
                        "required": True,
                        "sum_to": "amount",
                    },
                ],
            },
        ],
    },
    {
        "code": "trip",
        "name": "출장신청서",
        "description": "출장지, 기간, 목적, 교통편, 예상 경비",
        "order": 30,
        "amount_field": "cost",
        "fields": [
            {"key": "destination", "label": "출장지", "type": "text", "required": True},
            {"key": "start", "label": "출장 시작일", "type": "date", "required": True},
            {
                "key": "end",
                "label": "출장 종료일",
                "type": "date",
                "required": True,
                "min_field": "start",
            },
            {"key": "purpose", "label": "출장 목적", "type": "text", "required": True},
            {
                "key": "transport",
                "label": "교통편",
                "type": "choice",
                "required": True,
                "choices": TRANSPORT,
            },
            {"key": "travellers", "label": "동행 출장자", "type": "text"},
            {"key": "cost", "label": "예상 경비", "type": "money"},
        ],
    },
    {
        "code": "leave",
        "name": "휴가신청서",
        "description": "연차·반차·시간 단위 연차·병가·공가·경조사 (잔여 연차 확인)",
        "order": 40,
        "fields": [],
    },
    {
        "code": "leave_cancel",
        "name": "휴가취소신청서",
        "description": "승인된 휴가를 취소합니다. 결재가 끝나면 연차가 돌아옵니다.",
        "order": 50,
        "fields": [],
    },
]
