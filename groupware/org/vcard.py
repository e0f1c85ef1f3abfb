"""vCard 3.0 (RFC 2426) for a colleague."""


def _escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (continuation starts with a space)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def vcard_for(user, profile, institution) -> str:
    name = user.name or user.email
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{_escape(name)}",
        # Korean names: family name is the first syllable by convention
        f"N:{_escape(name[:1])};{_escape(name[1:])};;;",
        f"ORG:{_escape(institution.name)}"
        + (f";{_escape(profile.department.name)}" if profile and profile.department else ""),
        f"EMAIL;TYPE=INTERNET,WORK:{_escape(user.email)}",
    ]
    if profile and profile.position:
        lines.append(f"TITLE:{_escape(profile.position.name)}")
    if profile and profile.duties:
        lines.append(f"ROLE:{_escape(profile.duties)}")
    if profile and profile.extension:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(profile.extension)}")
    if getattr(user, "phone", ""):
        lines.append(f"TEL;TYPE=CELL:{_escape(user.phone)}")
    if institution.phone:
        lines.append(f"TEL;TYPE=WORK,MAIN:{_escape(institution.phone)}")
    if institution.address:
        lines.append(
            f"ADR;TYPE=WORK:;;{_escape(institution.address)};;;{_escape(institution.postal_code)};KR"
        )
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
