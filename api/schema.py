"""OpenAPI: the token security scheme, and the error responses every operation can give.

Loaded from ApiConfig.ready(). The post-processing hook adds the shared ``Error``
component and documents, for each operation, the errors our conventions produce
(unless the view already declared that status): so an endpoint added later is
documented — and fuzzed — with its errors without extra work.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "오류 종류 (프로그램용, 바뀌지 않음). 예: invalid, not_found",
                },
                "message": {"type": "string", "description": "사람이 읽을 설명 (한국어)"},
                "fields": {
                    "type": "object",
                    "description": "입력 필드별 오류 메시지 (400일 때, 그 밖에는 빈 객체)",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

DESCRIPTIONS = {
    "400": "입력값 오류. `error.fields`에 필드별 메시지 (code: invalid, parse_error)",
    "401": "인증 없음 또는 토큰이 올바르지 않음/만료/폐기 (code: not_authenticated, invalid_token)",
    "403": "권한 없음, 다른 기관 전용 토큰, 세션 호출의 CSRF 실패 (code: permission_denied, token_scope, csrf_failed)",
    "404": "없거나 볼 수 없는 대상, 없는 페이지 번호 (code: not_found)",
    "405": "허용되지 않은 요청 방식 (code: method_not_allowed)",
    "406": "지원하지 않는 Accept (code: not_acceptable)",
    "409": "현재 상태와 충돌 (code: conflict), 또는 동시에 처리된 요청과 충돌해 저장하지 않음 — 같은 요청을 다시 보내면 됨 (code: transaction_conflict)",
    "413": "요청 본문이 너무 큼: JSON·폼은 2.5MB, 파일 업로드는 210MB까지 (code: request_too_large)",
    "414": "쿼리 문자열이 너무 김: 4096바이트까지 (code: uri_too_long)",
    "415": "지원하지 않는 Content-Type (code: unsupported_media_type)",
    "422": "같은 Idempotency-Key를 다른 요청에 다시 씀 (code: idempotency_key_reused)",
    "429": "요청 한도 초과. `Retry-After` 헤더의 초만큼 기다린 뒤 다시 (code: throttled)",
    "503": "데이터베이스에 잠시 연결할 수 없음 (code: database_unavailable) — `Retry-After` 초 뒤 같은 요청(쓰기는 같은 Idempotency-Key로)을 다시",
}
SUSPENDED = "; 기관 서비스 일시 정지 (code: institution_suspended)"

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": (
        "재시도해도 한 번만 처리되게 하는 키 (예: UUID). 같은 사람이 같은 키로 같은 요청을 "
        "24시간 안에 다시 보내면 처음 응답을 그대로 돌려받습니다 (`Idempotent-Replayed: true`). "
        "같은 키를 다른 요청에 쓰면 422."
    ),
}
WRITE_METHODS = ("post", "put", "patch", "delete")

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "다시 시도할 수 있을 때까지의 초",
    }
}

CONVENTIONS = """

## 공통 규칙

- **인증**: `Authorization: Bearer <토큰>` (웹의 '내 정보'에서 만든 개인 API 토큰) 또는 브라우저 세션.
  토큰은 만든 사람의 권한을 그대로 갖되, 호출한 기관 호스트에서의 권한만 갖습니다.
- **오류**: 언제나 `{"error": {"code", "message", "fields"}}`.
- **목록**: `?page=N&page_size=M` (기본 20, 최대 100). 응답은 `count`, `next`, `previous`, `results`.
- **날짜·시각**: ISO 8601, 시간대 포함 (`2026-11-25T15:20:00+09:00`). **금액**: 원 단위 정수.
- **요청 한도**: 사람마다(모든 기관 합산), 비로그인은 IP마다. 넘으면 429와 `Retry-After`.
- **재시도**: 쓰기 요청에 `Idempotency-Key`를 붙이면 응답을 못 받았을 때 같은 키로 다시 보내도
  한 번만 처리됩니다. 503(`Retry-After`)과 409 `transaction_conflict`는 다시 보내도 되는 응답입니다.
- **크기 한도**: 본문 2.5MB(파일 업로드 210MB), JSON 중첩 32단계, 쿼리 문자열 4096바이트.
"""


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "acs_<prefix>_<secret>",
            "description": "개인 API 토큰. 웹의 '내 정보' 화면에서 만듭니다.",
        }


def _error_response(code: str, *, on_institution_host: bool = False) -> dict:
    description = DESCRIPTIONS[code]
    if code == "503" and on_institution_host:
        description += SUSPENDED  # only an institution's host can be suspended
    response = {
        "description": description,
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if code in ("429", "503", "409"):
        response["headers"] = RETRY_AFTER
    return response


def _codes_for(operation: dict, *, method: str) -> list[str]:
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    # 414 (query string too long) and 503 (database unreachable) can answer anything.
    codes = ["401", "403", "405", "406", "414", "429", "503"]
    if has_body or params:
        codes.append("400")
    if has_body:
        codes += ["413", "415"]
    if any(p.get("in") in ("path", "query") for p in params):
        codes.append("404")  # no such object, or a page number past the end
    if method in WRITE_METHODS:
        codes += ["400", "409", "413", "422"]  # Idempotency-Key; transaction conflicts
    return sorted(set(codes))


LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
    "example": "09:00",
}


def _local_times(node) -> None:
    """Times of day are local wall-clock times ("09:00", Korea time), not RFC 3339
    ``full-time`` with an offset that JSON Schema's ``format: time`` demands: say so."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            for key, value in LOCAL_TIME.items():
                node.setdefault(key, value)
            node["description"] = (node.get("description", "") + " (현지 시각 HH:MM)").strip()
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def postprocess_error_responses(result, generator, request, public, **kwargs):
    """Add the Error component, the error responses of every operation, host-aware titles."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    _local_times(result)
    institution = getattr(request, "institution", None) if request is not None else None
    info = result.setdefault("info", {})
    if institution is not None:
        info["title"] = f"{info.get('title', 'API')} — {institution.name}"
    info["description"] = (info.get("description") or "") + CONVENTIONS
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "put", "post", "patch", "delete", "head", "options"):
                continue
            if method in WRITE_METHODS:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_PARAMETER)
            responses = operation.setdefault("responses", {})
            for code in _codes_for(operation, method=method):
                responses.setdefault(
                    code, _error_response(code, on_institution_host=institution is not None)
                )
            for code in ("429", "503"):
                if code in responses and "headers" not in responses[code]:
                    responses[code]["headers"] = RETRY_AFTER
    return result
