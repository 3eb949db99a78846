"""Each built-in detector: true positives, and true negatives that look alike (checksums)."""

from __future__ import annotations

import pytest

from hallway.core.errors import ActionError
from hallway.policy.detectors import (
    detect_api_keys,
    detect_card_numbers,
    detect_emails,
    detect_ibans,
    detect_keywords,
    detect_national_ids,
    detect_phone_numbers,
    detect_private_keys,
    luhn_ok,
)
from hallway.policy.patterns import check_pattern, find_all


def found(detector, text, config=None):
    return [m.text for m in detector(text, config or {})]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",
        "3782 822463 10005",  # Amex, 15 digits
        "card: 6011111111111117.",
    ],
)
def test_card_numbers_found(text):
    assert len(detect_card_numbers(text, {})) == 1


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "1234 5678 9012 3456",  # fails Luhn
        "0000 0000 0000 0000",  # Luhn-valid but no card issuer starts with 0
        "order 411111111111",  # too short
    ],
)
def test_card_lookalikes_not_flagged(text):
    assert detect_card_numbers(text, {}) == []


def test_card_is_masked_to_last_four():
    (match,) = detect_card_numbers("pay with 4111-1111-1111-1111 please", {})
    assert match.masked == "•••• •••• •••• 1111"
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


def test_ibans():
    text = "DE89 3704 0044 0532 0130 00, GB82WEST12345698765432 and fr1420041010050500013m02606"
    assert found(detect_ibans, text) == [
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "fr1420041010050500013m02606",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01",  # fails mod 97
        "GB82WEST12345698765433",  # fails mod 97
        "DE89 3704 0044 0532 0130",  # too short for Germany
        "XX89370400440532013000",  # no such country
        "DE89370400440532013000123",  # longer than a German IBAN
    ],
)
def test_iban_lookalikes_not_flagged(text):
    assert detect_ibans(text, {}) == []


def test_us_ssn_with_invalid_ranges_excluded():
    text = "123-45-6789 000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000"
    assert found(detect_national_ids, text, {"countries": ["us"]}) == ["123-45-6789"]


def test_uk_nino():
    text = "AB 12 34 56 C, QQ123456C, BG123456A, AB123456E, JG103759A"
    assert found(detect_national_ids, text, {"countries": ["uk"]}) == [
        "AB 12 34 56 C",
        "JG103759A",
    ]


def test_german_steuer_id_check_digit():
    assert found(detect_national_ids, "Steuer-ID 86095742719", {"countries": ["de"]}) == [
        "86095742719"
    ]
    # Wrong check digit; and digits that repeat in a way no tax id does.
    assert found(detect_national_ids, "86095742718 11111111116", {"countries": ["de"]}) == []


def test_french_nir_key():
    assert found(detect_national_ids, "NIR 1 84 12 76 451 089 46", {"countries": ["fr"]}) == [
        "1 84 12 76 451 089 46"
    ]
    assert found(detect_national_ids, "NIR 1 84 12 76 451 089 47", {"countries": ["fr"]}) == []


def test_private_keys():
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
    openssh = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----"
    )
    assert found(detect_private_keys, f"here {key} there") == [key]
    assert found(detect_private_keys, openssh) == [openssh]
    public = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----"
    assert found(detect_private_keys, public) == []


def test_api_keys():
    text = (
        "AKIAIOSFODNN7EXAMPLE ghp_0123456789abcdefghijABCDEFGHIJ012345 "
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    )
    assert len(found(detect_api_keys, text)) == 4
    # Test keys, short look-alikes and prose are not flagged.
    assert found(detect_api_keys, "sk_test_4eC39HqLyjWDarjtT1zdp7dc AKIA123 ghp_short xoxb") == []


def test_emails_with_allowed_domains():
    text = "write to jan.smith@acme.example or me@hallway.test; not an@ address"
    assert found(detect_emails, text) == ["jan.smith@acme.example", "me@hallway.test"]
    assert found(detect_emails, text, {"allowed_domains": ["hallway.test"]}) == [
        "jan.smith@acme.example"
    ]


def test_phone_numbers():
    text = "call +49 30 1234567 or (555) 123-4567 or 0044 20 7946 0958"
    assert len(found(detect_phone_numbers, text)) == 3
    negatives = "on 2024-01-31, order 123456789, version 1.2.3, 1,000,000 EUR, 12:30"
    assert found(detect_phone_numbers, negatives) == []


def test_keywords_whole_word_case_insensitive():
    config = {"words": ["Project Falcon", "Initech"]}
    assert found(detect_keywords, "the project  FALCON kickoff with INITECH.", config) == [
        "project  FALCON",
        "INITECH",
    ]
    assert found(detect_keywords, "falconry at initechnology", config) == []


def test_regex_validation_refuses_catastrophic_patterns():
    check_pattern(r"\bPRJ-\d{4}\b")
    for bad in [r"(a+)+$", r"(\w+\s?)+$", r"(x+x+)+y", "(", "", r"a*"]:
        with pytest.raises(ActionError):
            check_pattern(bad)
    assert find_all(r"\bPRJ-\d{4}\b", "see prj-1234 and PRJ-99") == [(4, 12, "prj-1234")]
