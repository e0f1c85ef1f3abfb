"""양식: fields an admin defines are validated on submit and printed; the built-in 지출결의서
checks its line items against the amount and wants 증빙; 위임전결 by form and amount."""

import io

import pytest
from django.core.exceptions import ValidationError

from groupware.approval import services
from groupware.approval.formdata import clean_definition, clean_form_data, parse_money
from groupware.approval.models import DelegationRule, Document, FormTemplate
from tests.groupware.approval.conftest import expense_data, line, make_draft, receipt, submitted


def test_money_is_whole_won():
    assert parse_money("1,000,000원") == 1_000_000
    assert parse_money(2500) == 2500
    assert parse_money("") is None
    for bad in ("-5", "1.5", "abc", True, "1" * 15):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_expense_items_must_add_up_and_required_fields(org):
    form = FormTemplate.objects.get(code="expense")
    data = expense_data(1_000_000)
    data["items"][0]["amount"] = 900_000
    with pytest.raises(ValidationError) as error:
        clean_form_data(form.fields, data, strict=True)
    assert "합계(900,000원)" in str(error.value) and "지출 금액(1,000,000원)" in str(error.value)
    with pytest.raises(ValidationError) as error:
        clean_form_data(form.fields, {"amount": "일억"}, strict=False)
    assert "form_data.amount" in error.value.message_dict


def test_submit_checks_the_form_and_the_evidence(org):
    doc = make_draft(
        org,
        form="expense",
        form_data={"amount": "300,000", "items": []},
        attachments=[],
        steps=line(org, ("approve", org.director)),
    )
    assert doc.amount == 300_000  # drafts may be incomplete
    with pytest.raises(ValidationError) as error:
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    fields = error.value.message_dict
    assert "form_data.vendor" in fields and "form_data.items" in fields
    services.document_update_draft(
        actor=org.drafter,
        institution=org.inst,
        document=doc,
        form_data=expense_data(300_000),
    )
    with pytest.raises(ValidationError) as error:  # 증빙 missing
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    assert "증빙" in str(error.value)
    services.document_update_draft(
        actor=org.drafter, institution=org.inst, document=doc, attachments=[receipt()]
    )
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    assert Document.objects.get(pk=doc.pk).state == "in_approval"


def test_an_admin_defined_form_is_validated_and_printed(org):
    fields = clean_definition(
        [
            {"key": "venue", "label": "장소", "type": "text", "required": True},
            {"key": "day", "label": "행사일", "type": "date", "required": True},
            {"key": "kind", "label": "구분", "type": "choice", "choices": ["공연", "전시"]},
            {"key": "budget", "label": "예산", "type": "money"},
            {
                "key": "rows",
                "label": "세부 일정",
                "type": "table",
                "columns": [
                    {"key": "time", "label": "시간", "type": "text", "required": True},
                    {"key": "cost", "label": "비용", "type": "money", "sum_to": "budget"},
                ],
            },
        ]
    )
    services.form_template_save(
        actor=org.head,
        institution=org.inst,
        code="event-report",
        name="행사 결과 보고",
        fields=fields,
        amount_field="budget",
    )
    with pytest.raises(ValidationError):  # a choice outside the list
        make_draft(org, form="event-report", form_data={"kind": "축제"})
    doc = submitted(
        org,
        form="event-report",
        form_data={
            "venue": "소공연장",
            "day": "2026-12-10",
            "kind": "공연",
            "budget": "250,000",
            "rows": [{"time": "14:00", "cost": "250000"}, {"time": "", "cost": ""}],
        },
    )
    doc.refresh_from_db()
    assert doc.form_name == "행사 결과 보고" and doc.amount == 250_000
    assert doc.form_data["rows"] == [{"time": "14:00", "cost": 250_000}]  # blank rows dropped
    from groupware.approval.pdf import pdf_context

    rows = pdf_context(doc)["form_rows"]
    assert {"label": "예산", "type": "money", "value": "250,000원"} in rows
    assert {"label": "행사일", "type": "date", "value": "2026. 12. 10."} in rows


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ([{"key": "1x", "label": "가", "type": "text"}], "항목 키"),
        ([{"key": "a", "label": "가", "type": "text"}] * 2, "두 번"),
        ([{"key": "a", "label": "가", "type": "choice", "choices": []}], "선택지"),
        ([{"key": "a", "label": "가", "type": "table", "columns": []}], "열을"),
        ([{"key": "a", "label": "", "type": "text"}], "이름"),
        ([{"key": "a", "label": "가", "type": "file"}], "형식"),
    ],
)
def test_broken_definitions_are_refused(org, fields, fragment):
    before = FormTemplate.objects.count()
    with pytest.raises(ValidationError) as error:
        services.form_template_save(
            actor=org.head, institution=org.inst, code="broken", name="망가진 양식", fields=fields
        )
    assert fragment in str(error.value)
    assert FormTemplate.objects.count() == before


def test_only_admins_define_forms_and_builtins_keep_their_fields(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.form_template_save(actor=org.drafter, institution=org.inst, code="x1", name="x")
    expense = FormTemplate.objects.get(code="expense")
    with pytest.raises(ValidationError):
        services.form_template_save(
            actor=org.head, institution=org.inst, template=expense, name="지출", fields=[]
        )


@pytest.fixture
def limits(org):
    """지출결의서: 100만 원까지 팀장, 500만 원까지 본부장 전결, 넘으면 이사장."""
    DelegationRule.objects.filter(form="expense").delete()
    for limit, position in ((1_000_000, "팀장"), (5_000_000, "본부장")):
        services.delegation_rule_set(
            actor=org.head,
            institution=org.inst,
            form="expense",
            position=org.positions[position],
            max_amount=limit,
        )
    return org


@pytest.mark.parametrize(
    ("amount", "final", "allowed", "delegated", "fragment"),
    [
        (800_000, "reviewer", True, True, ""),
        (3_000_000, "reviewer", False, False, "3,000,000원"),
        (3_000_000, "director", True, True, ""),
        (7_000_000, "director", False, False, "위임전결 한도를 넘어"),
        (7_000_000, "head", True, False, ""),
    ],
)
def test_delegation_by_form_and_amount(limits, amount, final, allowed, delegated, fragment):
    org = limits
    steps = line(org, ("approve", getattr(org, final)))
    kwargs = {"form": "expense", "form_data": expense_data(amount), "steps": steps}
    if not allowed:
        with pytest.raises(ValidationError) as error:
            make_draft(org, **kwargs)
        assert fragment in str(error.value) and "위임전결" in str(error.value)
        return
    doc = make_draft(org, **kwargs)
    assert doc.current_steps().get().delegated is delegated


def test_an_amount_raised_after_drafting_is_checked_again(limits):
    org = limits
    doc = make_draft(
        org,
        form="expense",
        form_data=expense_data(500_000),
        steps=line(org, ("approve", org.reviewer)),
    )
    with pytest.raises(ValidationError):
        services.document_update_draft(
            actor=org.drafter, institution=org.inst, document=doc, form_data=expense_data(2_000_000)
        )
    assert Document.objects.get(pk=doc.pk).amount == 500_000


def test_the_proposed_line_follows_the_org_chart_and_the_rules(limits):
    from groupware.models import Department, StaffProfile

    org = limits
    # a chain: 문화예술팀 (팀장 staff_a2) under 문화본부 (본부장 manager_a) under 이사장실 (admin_a)
    office = Department.objects.create(name="이사장실")
    hq = Department.objects.create(name="문화본부", parent=office)
    org.team.parent = hq
    org.team.save()
    for user, dept, head in (
        (org.reviewer, org.team, True),
        (org.director, hq, True),
        (org.head, office, True),
    ):
        StaffProfile.objects.filter(user=user).update(department=dept, is_department_head=head)
    propose = services.propose_line
    small = propose(institution=org.inst, drafter=org.drafter, form="expense", amount=800_000)
    assert small == [{"user": org.reviewer.pk, "role": "approve"}]
    middle = propose(institution=org.inst, drafter=org.drafter, form="expense", amount=3_000_000)
    assert middle == [
        {"user": org.reviewer.pk, "role": "review"},
        {"user": org.director.pk, "role": "approve"},
    ]
    large = propose(institution=org.inst, drafter=org.drafter, form="expense", amount=9_000_000)
    assert [s["user"] for s in large] == [org.reviewer.pk, org.director.pk, org.head.pk]
    assert large[-1]["role"] == "approve"
    doc = make_draft(org, form="expense", form_data=expense_data(3_000_000), steps=middle)
    assert doc.current_steps().last().delegated  # 본부장 전결


def test_admin_pages_for_forms_delegation_seal_and_settings(org, on_host):
    admin = on_host(org.inst, org.head)
    clerk = on_host(org.inst, org.drafter)
    for path in (
        "/staff/approval/forms/new/",
        "/staff/approval/seal/",
        "/staff/approval/settings/",
    ):
        assert clerk.get(path).status_code == 403
        assert admin.get(path).status_code == 200
    assert clerk.get("/staff/approval/forms/").status_code == 200
    response = admin.post(
        "/staff/approval/forms/new/",
        {
            "code": "visit",
            "name": "방문 보고",
            "is_active": "1",
            "key_0": "place",
            "label_0": "방문처",
            "type_0": "text",
            "required_0": "1",
            "key_1": "items",
            "label_1": "내역",
            "type_1": "table",
            "extra_1": "what:항목:text:required, cost:금액:money",
        },
    )
    assert response.status_code == 302
    visit = FormTemplate.objects.get(code="visit")
    assert visit.fields[1]["columns"][0] == {
        "key": "what",
        "label": "항목",
        "type": "text",
        "required": True,
    }
    response = admin.post("/staff/approval/forms/new/", {"code": "visit", "name": "중복"})
    assert response.status_code == 400 and "이미 쓰이고" in response.content.decode()
    # the delegation page takes an amount limit
    response = admin.post(
        "/staff/approval/delegation/",
        {"form": "trip", "max_amount": "1,500,000", "position": org.positions["팀장"].pk},
    )
    assert response.status_code == 302
    assert DelegationRule.objects.get(form="trip").max_amount == 1_500_000
    response = admin.post(
        "/staff/approval/delegation/", {"form": "trip", "max_amount": "많이", "position": ""}
    )
    assert response.status_code == 400 and "원 단위" in response.content.decode()
    assert clerk.post("/staff/approval/delegation/", {"form": "trip"}).status_code == 403
    # the seal: images only
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("seal.png", b"not an image", content_type="image/png")
    response = admin.post("/staff/approval/seal/", {"image": bad})
    assert response.status_code == 400 and "PNG 또는 JPEG" in response.content.decode()
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(buffer, format="PNG")
    good = SimpleUploadedFile("seal.png", buffer.getvalue(), content_type="image/png")
    assert admin.post("/staff/approval/seal/", {"image": good}).status_code == 302
    assert admin.get("/staff/approval/seal/image/").status_code == 200
    assert clerk.get("/staff/approval/seal/image/").status_code == 403


def test_the_drafting_page_shows_field_errors_and_keeps_what_was_typed(org, on_host):
    client = on_host(org.inst, org.drafter)
    page = client.get("/staff/approval/new/?form=expense").content.decode()
    assert 'name="f_amount"' in page and 'name="f_items__0__amount"' in page
    before = Document.objects.count()
    response = client.post(
        "/staff/approval/new/",
        {
            "form": "expense",
            "title": "복사용지 구입",
            "f_amount": "만원",
            "f_vendor": "한빛문구",
            "step_user_0": org.director.pk,
            "step_role_0": "approve",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "지출 금액: 원 단위 숫자로 입력해 주세요" in text
    assert 'value="한빛문구"' in text and 'value="복사용지 구입"' in text
    assert Document.objects.count() == before
