"""Built-in detectors of the content policy engine (DLP): pure functions over text.

Each detector returns the spans it found, with a masked form of each. Detectors with a
checksum check it (Luhn for card numbers, mod 97 for IBANs, the Steuer-ID and NIR check
digits, SSN and NINO range rules), so random digit runs are not flagged. Keyword lists match
whole words, case-insensitively; administrators' regular expressions run with the ``regex``
module and a timeout (``hallway.policy.patterns``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

BULLET = "•"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    masked: str
    what: str  # e.g. "payment card number"


Detector = Callable[[str, dict[str, Any]], list[Match]]


def _keep_last(text: str, keep: int = 4) -> str:
    """Mask every letter and digit but the last ``keep`` ones, keeping separators."""
    significant = [i for i, ch in enumerate(text) if ch.isalnum()]
    visible = set(significant[-keep:]) if keep else set()
    return "".join(
        ch if (not ch.isalnum() or i in visible) else BULLET for i, ch in enumerate(text)
    )


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# --- payment cards --------------------------------------------------------------------------
CARD_RE = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")


def luhn_ok(number: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(number)):
        digit = int(ch)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _card_prefix_ok(number: str) -> bool:
    """Issuer ranges of the major schemes (Visa, Mastercard, Amex, Discover, JCB, Diners,
    UnionPay, Maestro): a Luhn-valid run of digits outside them is probably not a card."""
    return number[0] in "3456" or number.startswith(("22", "27", "2720"))


def detect_card_numbers(text: str, config: dict[str, Any]) -> list[Match]:
    found = []
    for match in CARD_RE.finditer(text):
        raw = match.group(0)
        number = _digits(raw)
        if not 13 <= len(number) <= 19 or not _card_prefix_ok(number) or not luhn_ok(number):
            continue
        masked = f"{BULLET * 4} {BULLET * 4} {BULLET * 4} {number[-4:]}"
        found.append(Match(match.start(), match.end(), raw, masked, "payment card number"))
    return found


# --- IBAN -----------------------------------------------------------------------------------
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TR": 26,
}  # fmt: skip
IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")


def iban_ok(iban: str) -> bool:
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def _iban_end(text: str, start: int, length: int) -> int | None:
    """Where an IBAN of ``length`` characters starting at ``start`` ends, allowing single
    spaces between characters; None when the text stops or breaks before."""
    count, index = 0, start
    while index < len(text) and count < length:
        ch = text[index]
        if ch.isascii() and ch.isalnum():
            count += 1
        elif not (ch == " " and count and index + 1 < len(text) and text[index + 1] != " "):
            return None
        index += 1
    if count < length:
        return None
    if index < len(text) and text[index].isascii() and text[index].isalnum():
        return None  # longer than an IBAN of this country
    return index


def detect_ibans(text: str, config: dict[str, Any]) -> list[Match]:
    found = []
    for match in IBAN_START_RE.finditer(text):
        country = match.group(0)[:2].upper()
        length = IBAN_LENGTHS.get(country)
        if length is None:
            continue
        end = _iban_end(text, match.start(), length)
        if end is None:
            continue
        raw = text[match.start() : end]
        if iban_ok(raw.replace(" ", "").upper()):
            found.append(Match(match.start(), end, raw, _keep_last(raw), "IBAN"))
    return found


# --- national identifiers -------------------------------------------------------------------
SSN_RE = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """US SSN: never area 000, 666 or 900–999, group 00 or serial 0000."""
    return (
        area not in {"000", "666"}
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


NINO_RE = re.compile(r"\b([A-Z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])\b")
NINO_BAD_FIRST = set("DFIQUV")
NINO_BAD_SECOND = set("DFIOQUV")
NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_ok(prefix: str) -> bool:
    """UK National Insurance number prefix rules (HMRC)."""
    return (
        prefix[0] not in NINO_BAD_FIRST
        and prefix[1] not in NINO_BAD_SECOND
        and prefix not in NINO_BAD_PREFIXES
    )


STEUER_ID_RE = re.compile(r"(?<![\d/])(\d{2}) ?(\d{3}) ?(\d{3}) ?(\d{3})(?![\d/])")


def steuer_id_ok(number: str) -> bool:
    """German tax id (Steuerliche Identifikationsnummer): 11 digits, no leading zero, among the
    first ten digits one appears two or three times, and an ISO 7064 MOD 11,10 check digit."""
    if len(number) != 11 or number[0] == "0":
        return False
    counts = sorted((number[:10].count(d) for d in set(number[:10])), reverse=True)
    if counts[0] not in (2, 3) or any(count != 1 for count in counts[1:]):
        return False
    product = 10
    for ch in number[:10]:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return check == int(number[10])


NIR_RE = re.compile(
    r"(?<!\d)([12]) ?(\d{2}) ?(0[1-9]|1[0-2]|[2-9]\d) ?(\d{2}|2[AB])"
    r" ?(\d{3}) ?(\d{3}) ?(\d{2})(?!\d)"
)


def nir_ok(parts: tuple[str, ...]) -> bool:
    """French social security number (NIR): 13 characters and a key = 97 - (number mod 97);
    Corsica's 2A/2B count as 19/18."""
    body = "".join(parts[:6])
    body = body.replace("2A", "19").replace("2B", "18")
    if not body.isdigit():
        return False
    return 97 - int(body) % 97 == int(parts[6])


NATIONAL_ID_COUNTRIES = {"us", "uk", "de", "fr"}


def detect_national_ids(text: str, config: dict[str, Any]) -> list[Match]:
    countries = set(config.get("countries") or NATIONAL_ID_COUNTRIES)
    found: list[Match] = []
    if "us" in countries:
        for m in SSN_RE.finditer(text):
            if ssn_ok(*m.groups()):
                found.append(
                    Match(m.start(), m.end(), m.group(0), _keep_last(m.group(0)), "US SSN")
                )
    if "uk" in countries:
        for m in NINO_RE.finditer(text.upper()):
            if nino_ok(m.group(1)):
                raw = text[m.start() : m.end()]
                found.append(Match(m.start(), m.end(), raw, _keep_last(raw, 1), "UK NI number"))
    if "de" in countries:
        for m in STEUER_ID_RE.finditer(text):
            if steuer_id_ok("".join(m.groups())):
                raw = m.group(0)
                found.append(Match(m.start(), m.end(), raw, _keep_last(raw), "German tax id"))
    if "fr" in countries:
        for m in NIR_RE.finditer(text.upper()):
            if nir_ok(m.groups()):
                raw = text[m.start() : m.end()]
                found.append(Match(m.start(), m.end(), raw, _keep_last(raw, 2), "French NIR"))
    return found


# --- secrets --------------------------------------------------------------------------------
SECRET_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
        ),
    ),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{60,255})\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-(?:[A-Za-z0-9]+-){1,4}[A-Za-z0-9]{8,}\b")),
    ("secret API key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b")),
]


def detect_secrets(text: str, config: dict[str, Any]) -> list[Match]:
    kinds = set(config.get("kinds") or [name for name, _ in SECRET_PATTERNS])
    found = []
    for name, pattern in SECRET_PATTERNS:
        if name not in kinds:
            continue
        for m in pattern.finditer(text):
            raw = m.group(0)
            masked = f"[{name} removed]" if name == "private key" else raw[:4] + BULLET * 8
            found.append(Match(m.start(), m.end(), raw, masked, name))
    return found


def detect_private_keys(text: str, config: dict[str, Any]) -> list[Match]:
    return detect_secrets(text, {"kinds": ["private key"]})


def detect_api_keys(text: str, config: dict[str, Any]) -> list[Match]:
    names = [name for name, _ in SECRET_PATTERNS if name != "private key"]
    return detect_secrets(text, {"kinds": config.get("kinds") or names})


# --- contact data ---------------------------------------------------------------------------
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+\b")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d ()./-]{6,18}\d(?!\w)")


def detect_emails(text: str, config: dict[str, Any]) -> list[Match]:
    allowed = {domain.lower().lstrip("@") for domain in config.get("allowed_domains") or []}
    found = []
    for m in EMAIL_RE.finditer(text):
        domain = m.group(0).rsplit("@", 1)[1].lower()
        if domain in allowed:
            continue
        local = m.group(0).split("@", 1)[0]
        masked = f"{local[:1]}{BULLET * 3}@{domain}"
        found.append(Match(m.start(), m.end(), m.group(0), masked, "email address"))
    return found


DATE_RE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def detect_phone_numbers(text: str, config: dict[str, Any]) -> list[Match]:
    """International (+ or 00) or grouped national numbers of 8–15 digits (E.164). Bare digit
    runs (order numbers) and dates are not phone numbers."""
    found = []
    for m in PHONE_RE.finditer(text):
        raw = m.group(0)
        digits = _digits(raw)
        international = raw.startswith(("+", "00"))
        if not 8 <= len(digits) <= 15 and not (international and len(digits) >= 7):
            continue
        if DATE_RE.fullmatch(raw) or (raw.isdigit() and not international):
            continue
        if len(set(digits)) < 3:
            continue
        found.append(Match(m.start(), m.end(), raw, _keep_last(raw, 2), "phone number"))
    return found


# --- keyword lists --------------------------------------------------------------------------
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class KeywordIndex:
    """A word list ready to match: plain words and phrases by their first word (looked up
    per word of the text, so 20 lists of 25 words cost one pass each), and a regular
    expression for entries with punctuation ("C++", "e-mail")."""

    by_first_word: dict[str, list[tuple[str, ...]]]
    other: re.Pattern[str] | None


def keyword_index(words: Iterable[str]) -> KeywordIndex | None:
    cleaned = sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    by_first: dict[str, list[tuple[str, ...]]] = {}
    other = []
    for entry in cleaned:
        tokens = tuple(entry.casefold().split())
        if all(WORD_RE.fullmatch(token) for token in tokens):
            by_first.setdefault(tokens[0], []).append(tokens)
        else:
            other.append(r"\s+".join(map(re.escape, entry.split())))
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(other)})(?!\w)", re.IGNORECASE) if other else None
    return KeywordIndex(by_first_word=by_first, other=pattern)


def keyword_pattern(words: Iterable[str]) -> KeywordIndex | None:
    return keyword_index(words)


def word_tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0).casefold()) for m in WORD_RE.finditer(text)]


def detect_keywords(text: str, config: dict[str, Any]) -> list[Match]:
    index = config.get("_compiled")
    if index is None:
        index = keyword_index(config.get("words") or [])
    if index is None:
        return []
    tokens = config.get("_tokens")
    if tokens is None:
        tokens = word_tokens(text)
    found = []
    skip_until = -1
    for position, (start, _end, word) in enumerate(tokens):
        if start < skip_until or word not in index.by_first_word:
            continue
        for phrase in index.by_first_word[word]:  # longest first
            last = position + len(phrase) - 1
            if last >= len(tokens):
                continue
            window = tokens[position : last + 1]
            if tuple(t[2] for t in window) != phrase:
                continue
            if any(not text[a[1] : b[0]].isspace() for a, b in pairwise(window)):
                continue
            end = window[-1][1]
            found.append(Match(start, end, text[start:end], BULLET * (end - start), "listed word"))
            skip_until = end
            break
    if index.other is not None:
        found += [
            Match(m.start(), m.end(), m.group(0), BULLET * len(m.group(0)), "listed word")
            for m in index.other.finditer(text)
        ]
    return found


DETECTORS: dict[str, Detector] = {
    "card_number": detect_card_numbers,
    "iban": detect_ibans,
    "national_id": detect_national_ids,
    "private_key": detect_private_keys,
    "api_key": detect_api_keys,
    "email": detect_emails,
    "phone": detect_phone_numbers,
    "keywords": detect_keywords,
}
