"""Every message exists in English and Italian, with the same placeholders."""

from __future__ import annotations

import re

from bot.i18n import LANGUAGES, catalog, pick_language, placeholders, t


def test_every_message_exists_in_every_language() -> None:
    english = set(catalog("en"))
    for lang in LANGUAGES:
        keys = set(catalog(lang))
        assert english - keys == set(), f"missing in {lang}"
        assert keys - english == set(), f"only in {lang}"


def test_placeholders_agree_across_languages() -> None:
    for key, message in catalog("en").items():
        for lang in LANGUAGES:
            assert placeholders(catalog(lang)[key]) == placeholders(message), f"{lang}:{key}"


def test_no_message_is_empty() -> None:
    for lang in LANGUAGES:
        assert [k for k, v in catalog(lang).items() if not v.strip()] == []


def test_telegram_language_codes_pick_our_language() -> None:
    assert pick_language("it-IT") == "it"
    assert pick_language("IT") == "it"
    assert pick_language("de") == "en"
    assert pick_language(None) == "en"


def test_unknown_key_and_missing_value_do_not_crash() -> None:
    assert t("no.such.key", "it") == "no.such.key"
    assert "Bottega" in t(
        "common.welcome", "en"
    )  # a missing {name} leaves the template, not a crash


def test_plural_forms_follow_the_language() -> None:
    assert t("admin.pending_ateliers", "en", count=1) == "1 new atelier"
    assert t("admin.pending_ateliers", "en", count=3) == "3 new ateliers"
    assert t("admin.pending_ateliers", "it", count=1) == "1 nuovo atelier"
    assert t("admin.pending_ateliers", "it", count=0) == "0 nuovi atelier"
    assert t("admin.pending_claims", "it", count=2) == "2 rivendicazioni"
    assert t("atelier.capacity_pieces", "it", pieces=1, count=1) == "1 pezzo"


def test_no_message_counts_with_parentheses_or_slashes() -> None:
    import re

    counted = re.compile(r"\w\(s\)|\w/[ie]\b|\bo/a\b")
    for lang in LANGUAGES:
        assert [k for k, v in catalog(lang).items() if counted.search(v)] == [], lang


# "voi" where the bot speaks to one person, and greetings that assume a gender.
VOI = re.compile(
    r"\b(siete|avete|potete|volete|sapete|vostr[oaie]|riceverete|lavorate|producete|"
    r"padroneggiate|scrivetel[ei]|scrivete|andate|intendevate|aumentate)\b"
    r"|(?-i:\bBen(venut|tornat)[oa]\b)",
    re.IGNORECASE,
)


def test_italian_speaks_tu_to_everyone_without_assuming_gender() -> None:
    found = {k: v for k, v in catalog("it").items() if VOI.search(v)}
    assert found == {}


def test_the_matchers_reasons_are_part_of_the_one_catalog() -> None:
    from matching.scoring import message_keys, say

    assert message_keys(), "the matcher has no wording"
    for key in message_keys():
        assert f"reasons.{key}" in catalog("en")
    assert t("reasons.moq_fail", "it", moq=100, unit="taglia", quantity=40) == say(
        "moq_fail", "it", moq=100, unit="taglia", quantity=40
    )
