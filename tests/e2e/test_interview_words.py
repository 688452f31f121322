"""Skip and none words at every optional question and multi-select of the interview, in English
and Italian; at the product question (the one a brief cannot do without) a skip word is no
product and the question is asked again."""

from __future__ import annotations

import pytest

from tests.e2e.harness import RunningBot
from tests.e2e.test_designer_review import DESIGNER, _say, _seed


@pytest.mark.parametrize(
    ("lang", "words", "expect"),
    [
        (
            "en",
            ("skip", "skip", "skip", "skip"),
            ("What is the product?", "Which materials?", "minimum share", "Your brief:"),
        ),
        (
            "it",
            ("salta", "salta", "salta", "nessuna"),
            ("Qual è il prodotto?", "Quali materiali", "lavorazione a mano", "La tua richiesta"),
        ),
        (
            "en",
            ("none", "none", "none", "none"),
            ("What is the product?", "Which materials?", "minimum share", "Your brief:"),
        ),
    ],
)
async def test_skip_words_answer_every_optional_question_and_never_become_a_product(
    bottega: RunningBot, lang: str, words: tuple[str, str, str, str], expect: tuple[str, ...]
) -> None:
    await _seed(bottega)
    api = bottega.api
    product, materials, handwork, certifications = words
    asked_product, asked_materials, asked_handwork, summary_title = expect
    await api.user_sends(DESIGNER, "/brief", language_code=lang)
    await api.wait_for(DESIGNER, contains=asked_product)
    await _say(api, product, asked_product)
    await _say(api, "cardigan", "maglieria" if lang == "it" else "knitwear")
    await _say(api, "sì" if lang == "it" else "yes", asked_materials)
    await _say(api, materials, "pezzi per modello" if lang == "it" else "pieces per style")
    await _say(api, "80", "modelli" if lang == "it" else "How many styles")
    await _say(api, "2", "varianti colore" if lang == "it" else "How many colourways")
    await _say(api, "1", "In quali taglie" if lang == "it" else "Which sizes")
    await _say(
        api, "taglia unica" if lang == "it" else "one size", "Entro" if lang == "it" else "By when"
    )
    await _say(api, "in 20 weeks" if lang == "en" else "tra 20 settimane", "budget")
    await _say(api, words[0], "Dove deve" if lang == "it" else "Where should it be made?")
    await _say(api, "ovunque" if lang == "it" else "anywhere", asked_handwork)
    await _say(api, handwork, "certificazioni" if lang == "it" else "certifications")
    await _say(api, certifications, "scheda tecnica" if lang == "it" else "Send a tech pack")
    summary = await _say(api, "salta" if lang == "it" else "skip", summary_title)
    label = "Prodotto" if lang == "it" else "Product"
    assert f"{label}: cardigan" in (summary.text or "")
