"""The one formatter, sanitiser policy and attachment rule the apps share (suite/)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation

from suite import dates
from suite.richtext import clean_html, looks_like_html, plain_text
from suite.uploads import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, check_attachments


def test_dates_in_korean_public_body_style():
    """Korean patterns when the language is Korean (explicitly: the formatter follows the
    active language, which an earlier request in the same thread may have switched)."""
    day = dt.date(2026, 11, 25)
    at = timezone.make_aware(dt.datetime(2026, 11, 25, 15, 20))
    with translation.override("ko"):
        assert dates.kdate(day) == "2026. 11. 25."
        assert dates.kdatetime(at) == "2026. 11. 25. 15:20"
        assert dates.ktime(at) == "15:20"
        assert dates.ktime(dt.time(9, 5)) == "09:05"
        assert dates.kmonthday(at) == "11. 25."
        assert dates.kdate_weekday(day) == "2026. 11. 25.(수)"
        assert dates.kdate(None) == dates.kdatetime("") == dates.ktime(None) == ""


def test_aware_datetimes_show_in_seoul_time():
    utc = dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC)  # 01:30 on the 25th in Seoul
    with translation.override("ko"), timezone.override("Asia/Seoul"):
        assert dates.kdatetime(utc) == "2026. 11. 25. 01:30"


def test_format_module_gives_templates_the_same_format():
    with translation.override("ko"):
        assert formats.date_format(dt.date(2026, 11, 25)) == "2026. 11. 25."
        assert formats.get_format("TIME_FORMAT") == "H:i"


def test_sanitiser_keeps_the_whitelist_and_drops_scripts():
    html = '<p class="item-1">가. 항목</p><script>alert(1)</script><a href="javascript:x">x</a>'
    cleaned = clean_html(html)
    assert '<p class="item-1">가. 항목</p>' in cleaned
    assert "script" not in cleaned and "javascript" not in cleaned
    assert 'rel="noopener noreferrer nofollow"' in clean_html('<a href="https://a.kr">a</a>')
    assert "evil" not in clean_html('<p class="evil">x</p>')
    assert plain_text("<p>본문 <b>굵게</b></p>") == "본문 굵게"


def test_plain_text_detection():
    assert not looks_like_html("금액 < 100", known_tags_only=True)
    assert not looks_like_html("<비고> 참고", known_tags_only=True)
    assert looks_like_html("<p>문단</p>", known_tags_only=True)


def _file(name="a.pdf", size=10):
    return SimpleUploadedFile(name, b"x" * size)


def test_attachment_rule_counts_existing_files():
    assert len(check_attachments([_file(), None])) == 1
    with pytest.raises(ValidationError) as error:
        check_attachments([_file()], existing=MAX_ATTACHMENTS)
    assert error.value.error_dict["attachments"][0].code == "attachment_too_many"


@pytest.mark.parametrize(
    "upload, code",
    [
        (SimpleUploadedFile("big.pdf", b""), None),
        (SimpleUploadedFile("run.EXE", b"MZ"), "attachment_type"),
        (SimpleUploadedFile("run.sh", b"#!"), "attachment_type"),
    ],
)
def test_attachment_rule_refuses_executables(upload, code):
    if code is None:
        assert check_attachments([upload], field="files") == [upload]
        return
    with pytest.raises(ValidationError) as error:
        check_attachments([upload], field="files")
    assert error.value.error_dict["files"][0].code == code


def test_attachment_rule_refuses_large_files():
    upload = _file()
    upload.size = MAX_ATTACHMENT_BYTES + 1
    with pytest.raises(ValidationError) as error:
        check_attachments([upload])
    assert error.value.error_dict["attachments"][0].code == "attachment_too_large"
