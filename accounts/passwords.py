"""Password policy: refuse what attackers try first.

Django's list of 20,000 common passwords, plus Korean favourites (romanised words typed
on a Korean keyboard, keyboard walks, "qwer1234!"), checked as typed and with the usual
disguises taken off: letters for digits ("p@ssw0rd"), trailing digits and symbols
("password123!"), repeats ("aaaa1111"), and the site's own name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KOREAN_COMMON = """
qwer1234 qwer1234! qwerty1234 asdf1234 asdf1234! zxcv1234 1q2w3e4r 1q2w3e4r! 1q2w3e4r5t
q1w2e3r4 a1s2d3f4 1qaz2wsx 1qaz2wsx! qazwsx qwerasdf asdfqwer gksrmf dkssud dkssudgktpdy
tkfkd tkfkdgo tkfkdgo1 saranghae saranghe sarang sarang해 gjdrlf gjsdlf wkdtn rlawjdgh
love1004 1004 a1004 k1004 angel1004 cjsfl dkfmqkdlxm alsrb rkskek korea korea123 seoul
seoul123 daehanminguk hangul hangeul samsung naver kakao password1! admin1234 admin123!
abcd1234 abcd1234! aa123456 a123456789 a12345678 asd123 zxc123 qwe123 qwe123! qweasd
qweasdzxc iloveyou woaini agency suite suite1234
"""

LEET = str.maketrans(
    {"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
)
SITE_WORDS = ("agency", "suite", "cloud", "portal")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(set(CommonPasswordValidator().passwords) | set(KOREAN_COMMON.split()))


def _variants(password: str) -> set[str]:
    lowered = password.lower()
    stripped = re.sub(r"[\d\W_]+$", "", lowered)
    stripped_front = re.sub(r"^[\d\W_]+", "", stripped)
    out = {lowered, stripped, stripped_front, lowered.translate(LEET), stripped.translate(LEET)}
    return {v for v in out if len(v) >= 4}


class CommonPasswordPatternValidator:
    """Refuse common passwords, also disguised, and passwords built on the site's name."""

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        common = _common()
        if any(v in common for v in _variants(password)):
            raise ValidationError(
                _("너무 흔하거나 쉽게 추측할 수 있는 비밀번호입니다. 다른 비밀번호를 정해 주세요."),
                code="password_too_common",
            )
        if len(set(lowered)) <= 3:
            raise ValidationError(
                _("같은 글자를 되풀이한 비밀번호는 쓸 수 없습니다."), code="password_repetitive"
            )
        if any(word in lowered for word in SITE_WORDS) and len(re.sub(r"[a-z]", "", lowered)) <= 4:
            raise ValidationError(
                _("서비스 이름을 바탕으로 한 비밀번호는 쓸 수 없습니다."), code="password_site_name"
            )

    def get_help_text(self) -> str:
        return _("흔한 비밀번호(qwer1234!, password1 등)와 그 변형은 쓸 수 없습니다.")
