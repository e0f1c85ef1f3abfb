"""Numbers per department per year, keeping every number already issued.

Until now one serial ran through the whole institution each year. Every approved document
gets its row in its department's register (기록물 등록대장) with the number it was given;
each department's counter starts after the highest serial it already holds, so no number
is ever issued twice. The built-in 양식 (forms) are added.
"""

from django.db import migrations
from django.db.models import Max

RETENTION_YEARS = {"1y": 1, "3y": 3, "5y": 5, "10y": 10, "30y": 30}

BUILTIN_FORMS = [
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
                "choices": ["계좌이체", "법인카드", "현금", "지로·자동이체"],
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
                "choices": ["관용차량", "대중교통", "자가용", "항공"],
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


def forwards(apps, schema_editor):
    Document = apps.get_model("approval", "Document")
    NumberCounter = apps.get_model("approval", "NumberCounter")
    RegisterEntry = apps.get_model("approval", "RegisterEntry")
    FormTemplate = apps.get_model("approval", "FormTemplate")

    for form in BUILTIN_FORMS:
        FormTemplate.objects.get_or_create(
            code=form["code"],
            defaults={
                "name": form["name"],
                "description": form["description"],
                "order": form["order"],
                "fields": form["fields"],
                "amount_field": form.get("amount_field", ""),
                "requires_attachment": form.get("requires_attachment", False),
                "builtin": True,
            },
        )

    issued = Document.objects.filter(number__isnull=False, serial__isnull=False).order_by("id")
    for doc in issued.iterator():
        if RegisterEntry.objects.filter(document_id=doc.pk).exists():
            continue
        years = RETENTION_YEARS.get(doc.retention)
        RegisterEntry.objects.create(
            department_id=doc.department_id,
            department_name=doc.department_name or doc.number_prefix,
            year=doc.number_year,
            serial=doc.serial,
            number=doc.number,
            kind="produced",
            registered_on=doc.enforced_on,
            title=doc.title,
            author=f"{doc.drafter_position} {doc.drafter_name}".strip(),
            recipients="내부결재" if doc.recipient_kind == "internal" else doc.recipients,
            retention=doc.retention,
            retention_until=doc.number_year + years if years else None,
            disclosure=doc.disclosure,
            disclosure_ground=doc.disclosure_ground,
            attachment_count=min(doc.attachments.count(), 32767),
            document_id=doc.pk,
        )
    # every department continues after the highest serial it holds in each year
    NumberCounter.objects.all().delete()
    highest = (
        issued.order_by().values("department_id", "number_year").annotate(top=Max("serial"))
    )
    for row in highest:
        NumberCounter.objects.create(
            department_id=row["department_id"], year=row["number_year"], last_serial=row["top"]
        )


def backwards(apps, schema_editor):
    Document = apps.get_model("approval", "Document")
    NumberCounter = apps.get_model("approval", "NumberCounter")
    RegisterEntry = apps.get_model("approval", "RegisterEntry")
    RegisterEntry.objects.all().delete()
    NumberCounter.objects.all().delete()
    highest = (
        Document.objects.filter(serial__isnull=False)
        .order_by()
        .values("number_year")
        .annotate(top=Max("serial"))
    )
    for row in highest:
        NumberCounter.objects.create(year=row["number_year"], last_serial=row["top"])


class Migration(migrations.Migration):
    dependencies = [("approval", "0004_registers_forms_recipients")]

    operations = [migrations.RunPython(forwards, backwards)]
