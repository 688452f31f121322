"""The designer interview's rules on plain strings: what each typed answer or pressed choice
keeps, and where the interview goes next."""

from __future__ import annotations

from datetime import date

import pytest

from bot.interview import answers as rules
from bot.interview import steps
from bot.interview.answers import Answered, Asked, Problem

TODAY = date(2026, 12, 3)
EN = Asked("en", TODAY)
IT = Asked("it", TODAY)


def typed(state: str, text: str, asked: Asked = EN, **answers: object) -> rules.Answer:
    return rules.PARSERS[state](text, asked, answers)


def test_every_question_reads_typed_answers() -> None:
    assert set(rules.PARSERS) == steps.QUESTIONS


def test_the_product_keeps_the_words_and_every_detail_it_states() -> None:
    result = typed(steps.PRODUCT, "80 merino cardigans, hand finished")
    assert isinstance(result, Answered)
    assert result.values == {
        "product": "80 merino cardigans, hand finished",
        "materials": ["merino"],
        "quantity": 80,
        "quantity_low": 80,
        "quantity_high": 80,
        "min_handwork_share": rules.SOME_HANDWORK,
    }
    assert result.guess == rules.CategoryGuess("one", ("knitwear",))
    assert result.stated == (steps.MATERIALS, steps.QUANTITY, steps.HANDWORK)


@pytest.mark.parametrize(
    ("text", "lang"), [("skip", "en"), ("salta", "it"), ("none", "en"), ("non lo so", "it")]
)
def test_a_skip_word_is_never_a_product(text: str, lang: str) -> None:
    result = typed(steps.PRODUCT, text, Asked(lang, TODAY))
    assert result == Answered(go_to=steps.PRODUCT)


def test_a_product_too_long_is_refused() -> None:
    assert typed(steps.PRODUCT, "x" * (steps.MAX_PRODUCT_TEXT + 1)) == Problem(
        "too_long", {"limit": steps.MAX_PRODUCT_TEXT}
    )


def test_an_unknown_product_offers_every_category() -> None:
    assert rules.guess_category("zzzz qqqq") == rules.CategoryGuess("unknown")


@pytest.mark.parametrize(
    ("text", "lang"), [("yes", "en"), ("sì", "it"), ("esatto", "it"), ("👍", "en")]
)
def test_yes_takes_the_offered_category(text: str, lang: str) -> None:
    result = typed(steps.CATEGORY, text, Asked(lang, TODAY, guess="knitwear"))
    assert result == Answered({"category": "knitwear"})


def test_yes_without_an_offered_category_asks_for_the_buttons() -> None:
    assert typed(steps.CATEGORY, "yes") == rules.USE_BUTTONS


@pytest.mark.parametrize("text", ["no", "something else", "qualcos'altro"])
def test_no_asks_the_category_again_without_the_guess(text: str) -> None:
    result = typed(steps.CATEGORY, text, Asked("en", TODAY, guess="knitwear"))
    assert result == Answered(stay=True, forget_guess=True)


def test_other_text_at_the_category_question_describes_the_product_again() -> None:
    result = typed(steps.CATEGORY, "silk blouses", Asked("en", TODAY, guess="knitwear"))
    assert isinstance(result, Answered) and result.values["product"] == "silk blouses"
    assert result.guess is not None and result.guess.kind != "unknown"


def test_category_buttons() -> None:
    assert rules.choose_category("knitwear") == Answered({"category": "knitwear"})
    assert rules.choose_category(steps.NONE_OF_THESE) == Answered({"category": None})
    assert rules.choose_category(steps.SOMETHING_ELSE) == Answered(stay=True, forget_guess=True)
    assert rules.choose_category("not_a_category") == rules.USE_BUTTONS


def test_material_toggles_and_done() -> None:
    assert rules.toggle_material("silk", {"materials": ["wool"]}) == Answered(
        {"materials": ["wool", "silk"]}, stay=True
    )
    assert rules.toggle_material("wool", {"materials": ["wool"]}) == Answered(
        {"materials": []}, stay=True
    )
    assert rules.toggle_material(steps.DONE, {}) == Answered()
    assert rules.toggle_material("plutonium", {}) == rules.USE_BUTTONS
    full = [f"m{i}" for i in range(steps.MAX_MATERIALS)]
    result = rules.toggle_material("silk", {"materials": full})
    assert isinstance(result, Answered) and result.values["materials"] == full


def test_typed_materials_are_added_and_said() -> None:
    result = typed(steps.MATERIALS, "cashmere and linen", materials=["wool"])
    assert isinstance(result, Answered) and result.stay
    assert result.values["materials"][0] == "wool"
    assert {"cashmere", "linen"} <= set(result.values["materials"])
    assert result.notes[0][0] == "materials_added"


@pytest.mark.parametrize(
    ("state", "text", "lang"),
    [
        (steps.MATERIALS, "done", "en"),
        (steps.MATERIALS, "fatto", "it"),
        (steps.MATERIALS, "nessuno", "it"),
        (steps.CERTIFICATIONS, "skip", "en"),
        (steps.CERTIFICATIONS, "nessuna", "it"),
        (steps.CERTIFICATIONS, "that's all", "en"),
    ],
)
def test_done_and_none_words_finish_a_multi_select(state: str, text: str, lang: str) -> None:
    assert typed(state, text, Asked(lang, TODAY)) == Answered()


def test_unknown_materials_keep_the_question_open_with_a_note() -> None:
    result = typed(steps.MATERIALS, "qwxz")
    assert result == Answered(stay=True, notes=(("materials_unknown", {"text": "qwxz"}),))


def test_certifications_typed_and_toggled() -> None:
    result = typed(steps.CERTIFICATIONS, "GOTS", certifications=[])
    assert result == Answered({"certifications": ["gots"]}, stay=True)
    assert typed(steps.CERTIFICATIONS, "qwxz") == Problem("default")
    assert rules.toggle_certification("gots", {"certifications": ["gots"]}) == Answered(
        {"certifications": []}, stay=True
    )
    assert "gots" in rules.certification_choices({})


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("80", {"quantity": 80, "quantity_low": 80, "quantity_high": 80}),
        ("50-100", {"quantity": 75, "quantity_low": 50, "quantity_high": 100}),
    ],
)
def test_quantities(text: str, values: dict[str, int]) -> None:
    result = typed(steps.QUANTITY, text)
    assert isinstance(result, Answered)
    assert {k: result.values[k] for k in ("quantity_low", "quantity_high")} == {
        k: values[k] for k in ("quantity_low", "quantity_high")
    }


@pytest.mark.parametrize(
    ("state", "text", "code"),
    [
        (steps.QUANTITY, "-5", "negative"),
        (steps.QUANTITY, "a lot", "not_a_number"),
        (steps.STYLES, "0", "zero"),
        (steps.DEADLINE, "15/03/2020", "in_the_past"),
        (steps.HANDWORK, "150", "out_of_range"),
    ],
)
def test_bad_numbers_and_dates_are_problems(state: str, text: str, code: str) -> None:
    assert typed(state, text) == Problem(code)


def test_deadline_is_kept_as_an_iso_date() -> None:
    assert typed(steps.DEADLINE, "in 10 weeks") == Answered(
        {"deadline": "2027-02-11"}, forget=("deadline_word",)
    )


def test_budget_and_its_skip() -> None:
    assert typed(steps.BUDGET, "45 €") == Answered(
        {"budget_amount": "45.00", "budget_currency": "EUR"}
    )
    skipped = Answered(forget=("budget_amount", "budget_currency"))
    assert typed(steps.BUDGET, "salta", IT) == skipped
    assert rules.skip_budget() == skipped


def test_handwork_typed_and_pressed() -> None:
    assert typed(steps.HANDWORK, "skip") == Answered({"min_handwork_share": None})
    assert typed(steps.HANDWORK, "ottanta per cento", IT) == Answered({"min_handwork_share": 80})
    assert rules.choose_handwork(0) == Answered({"min_handwork_share": None})
    assert rules.choose_handwork(50) == Answered({"min_handwork_share": 50})


def test_places() -> None:
    assert rules.choose_place("region") == Answered(go_to=steps.REGION)
    assert rules.choose_place("other") == Answered(go_to=steps.COUNTRY)
    assert rules.choose_place("IT") == Answered({"country": "IT", "region": None})
    assert rules.choose_place("any") == Answered({"country": None, "region": None})
    assert typed(steps.PLACE, "ovunque", IT) == Answered({"country": None, "region": None})
    tuscany = typed(steps.PLACE, "Tuscany")
    assert isinstance(tuscany, Answered) and tuscany.values == {
        "country": "IT",
        "region": "Toscana",
    }
    corrected = typed(steps.REGION, "Toscanna")
    assert isinstance(corrected, Answered) and corrected.values["region"] == "Toscana"
    assert corrected.notes and corrected.notes[0][0] == "place_corrected"
    assert typed(steps.COUNTRY, "Atlantis") == Problem("bad_country")


def test_the_summary_takes_buttons_only() -> None:
    assert typed(steps.SUMMARY, "ok") == rules.USE_BUTTONS


def test_following_questions_and_edits() -> None:
    order = [steps.PRODUCT]
    while order[-1] != steps.SUMMARY:
        order.append(steps.following(order[-1], editing=False))
    assert tuple(order) == steps.ORDER
    assert steps.following(steps.REGION, editing=False) == steps.HANDWORK
    assert steps.following(steps.QUANTITY, editing=True) == steps.SUMMARY
    # A new product is re-confirmed; the must-haves are two questions.
    assert steps.following(steps.PRODUCT, editing=True) == steps.CATEGORY
    assert steps.following(steps.CATEGORY, editing=True) == steps.SUMMARY
    assert steps.following(steps.HANDWORK, editing=True) == steps.CERTIFICATIONS
    assert set(steps.EDIT_TARGETS.values()) <= steps.QUESTIONS


@pytest.mark.parametrize(
    ("text", "lang", "values", "stated"),
    [
        (
            "60 hand-finished silk blouses, delivery in 10 weeks, made in Tuscany",
            "en",
            {
                "materials": ["silk"],
                "quantity": 60,
                "deadline": "2027-02-11",
                "country": "IT",
                "region": "Toscana",
                "min_handwork_share": 30,
            },
            ("materials", "quantity", "deadline", "place", "handwork"),
        ),
        (
            "60 camicette di seta rifinite a mano, consegna tra 10 settimane, prodotte in Toscana",
            "it",
            {"quantity": 60, "deadline": "2027-02-11", "region": "Toscana"},
            ("materials", "quantity", "deadline", "place", "handwork"),
        ),
        (
            "150-250 linen shirts in 3 styles, 80% handmade, by March, GOTS",
            "en",
            {
                "quantity_low": 150,
                "quantity_high": 250,
                "styles": 3,
                "deadline": "2027-03-31",
                "min_handwork_share": 80,
                "certifications": ["gots"],
            },
            ("materials", "quantity", "styles", "deadline", "handwork", "certifications"),
        ),
        (
            "about 200 t-shirts, 45 € each, from Portugal",
            "en",
            {"quantity": 200, "country": "PT"},
            ("quantity", "place"),
        ),
        # A common word that names a certification is not one; a price is no quantity.
        ("one step at a time: 45 € jackets", "en", {}, ()),
        ("jumpers", "en", {}, ()),
    ],
)
def test_the_first_message_states_details(
    text: str, lang: str, values: dict[str, object], stated: tuple[str, ...]
) -> None:
    found, said = rules.stated_in(text, Asked(lang, TODAY), {})
    assert {k: found.get(k) for k in values} == values
    assert said == stated


def test_stated_questions_are_not_asked() -> None:
    stated = frozenset({steps.MATERIALS, steps.QUANTITY, steps.PLACE, steps.HANDWORK})
    assert steps.following(steps.CATEGORY, editing=False, stated=stated) == steps.STYLES
    assert steps.following(steps.BUDGET, editing=False, stated=stated) == steps.CERTIFICATIONS
    # Editing goes back to the summary, whatever the first message said.
    assert steps.following(steps.PRODUCT, editing=True, stated=stated) == steps.CATEGORY


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("asap", "en", "asap"),
        ("il prima possibile", "it", "asap"),
        ("flexible", "en", "flexible"),
        ("non lo so", "it", "dont_know"),
        ("skip", "en", "dont_know"),
    ],
)
def test_a_deadline_without_a_date(text: str, lang: str, word: str) -> None:
    assert typed(steps.DEADLINE, text, Asked(lang, TODAY)) == Answered(
        {"deadline_word": word}, forget=("deadline",)
    )


def test_limits_are_said() -> None:
    assert typed(steps.STYLES, "100") == Problem("too_many_styles", {"limit": steps.MAX_STYLES})
    assert typed(steps.QUANTITY, "2000000") == Problem(
        "too_large_at_most", {"limit": steps.MAX_PIECES}
    )
    assert typed(steps.DEADLINE, "x" * 201) == Problem("too_long", {"limit": 200})


@pytest.mark.parametrize(
    ("text", "low", "per"),
    [
        ("80", 80, "style"),
        ("20 per size", 20, "size"),
        ("30 per colore", 30, "colour"),
        ("50 a taglia", 50, "size"),
        ("40 each colourway", 40, "colour"),
    ],
)
def test_the_quantity_says_what_it_counts(text: str, low: int, per: str) -> None:
    result = typed(steps.QUANTITY, text)
    assert isinstance(result, Answered)
    assert (result.values["quantity_low"], result.values["quantity_per"]) == (low, per)


def test_colourways_and_sizes() -> None:
    assert typed(steps.COLOURWAYS, "3") == Answered({"colourways": 3})
    assert typed(steps.COLOURWAYS, "40") == Problem(
        "too_many_colourways", {"limit": steps.MAX_COLOURWAYS}
    )
    assert rules.choose_colourways(2) == Answered({"colourways": 2})
    assert typed(steps.SIZES, "XS-XL") == Answered({"sizes": 5, "size_range": "XS–XL"})
    assert typed(steps.SIZES, "taglia unica", IT) == Answered({"sizes": 1, "size_range": ""})
    assert typed(steps.SIZES, "banana") == Problem("not_sizes")
    assert rules.choose_sizes(steps.ONE_SIZE) == Answered({"sizes": 1, "size_range": ""})
    assert rules.choose_sizes("38_46") == Answered({"sizes": 5, "size_range": "38–46"})


def test_the_order_asks_colourways_and_sizes_after_the_styles() -> None:
    assert steps.following(steps.STYLES, editing=False) == steps.COLOURWAYS
    assert steps.following(steps.COLOURWAYS, editing=False) == steps.SIZES
    assert steps.following(steps.SIZES, editing=False) == steps.DEADLINE
    assert {"colourways", "sizes"} <= set(steps.EDIT_TARGETS)
