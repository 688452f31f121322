"""Every message exists in English and Italian, with the same placeholders."""

from __future__ import annotations

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
