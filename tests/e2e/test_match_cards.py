"""What a designer reads in "Matches": the unit of every minimum, what was not understood, weak
matches apart, a title cut at a word, and the ateliers already asked counted."""

from __future__ import annotations

from datetime import date, timedelta

from bot.db.models import Brief, BriefState, User
from bot.i18n import t
from bot.registry.importing import CSV_COLUMNS
from localbotapi import SentMessage
from tests.e2e.harness import RunningBot, load_registry

DESIGNER = 5151
HEADER = ",".join(CSV_COLUMNS) + ",moq_per"
SHIRTS = "\n".join(
    [
        HEADER,
        "C001,Camiceria Seta,IT,Toscana,Prato,camicie,seta;cotone,,50,2000,900,4,60,,it,"
        "seta@example.com,,colour",
        "C002,Camiceria Cotone,IT,Veneto,Vicenza,camicie,cotone;viscosa,,20,2000,900,4,40,,it,"
        "cotone@example.com,,style",
        "C003,Camiceria Taglie,IT,Marche,Fermo,camicie,seta,,100,5000,900,4,60,,it,"
        "taglie@example.com,,size",
        "S001,Sartoria Blu,IT,Puglia,Bari,sartoria,seta;lana,,10,500,200,4,80,,it,"
        "blu@example.com,,style",
    ]
)
LONG_PRODUCT = (
    "Silk blouses for a resort capsule collection with hand rolled hems, covered buttons and "
    "a relaxed fit"
)


async def _brief(bottega: RunningBot, csv_text: str, **fields: object) -> int:
    await load_registry(bottega.session_factory, csv_text)
    bottega.app.bot_data["runtime"].match_index.invalidate()
    async with bottega.session_factory() as session, session.begin():
        designer = User(telegram_id=DESIGNER, display_name="Ada", language="en", role="designer")
        session.add(designer)
        await session.flush()
        values: dict[str, object] = {
            "designer_id": designer.id,
            "state": BriefState.OPEN,
            "language": "en",
            "product_text": LONG_PRODUCT,
            "category": "shirts",
            "materials": ["silk"],
            "quantity": 60,
            "quantity_per": "colour",
            "styles": 2,
            "colourways": 2,
            "sizes": 5,
            "deadline": date.today() + timedelta(weeks=20),
            **fields,
        }
        brief = Brief(**values)
        session.add(brief)
        await session.flush()
        return brief.id


async def _matches(bottega: RunningBot, brief_id: int, lang: str = "en") -> SentMessage:
    api = bottega.api
    await api.user_sends(DESIGNER, "/briefs", language_code=lang)
    listing = await api.wait_for(DESIGNER, contains="#" + str(brief_id))
    await api.press(DESIGNER, listing, t("briefs.show_button", lang, id=brief_id))
    return await api.wait_for(DESIGNER, predicate=lambda m: m.message_id > listing.message_id)


def _cards(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block[:1].isdigit()]


async def test_cards_show_units_weak_matches_apart_and_a_title_cut_at_a_word(
    bottega: RunningBot,
) -> None:
    brief_id = await _brief(bottega, SHIRTS)
    text = (await _matches(bottega, brief_id)).text or ""
    # 2 styles x 2 colourways: 60 of each colour, 12 of each of its 5 sizes.
    assert "MOQ 50 per colour ≤ your 60 per colour" in text
    assert "MOQ 20 per style ≤ your 120 per style" in text
    assert "Camiceria Taglie: needs 100 per size — you have 12" in text
    assert "does not list silk among its materials" in text  # the cotton shirt-maker
    best, weaker = text.split("Weaker matches – another trade or a low score:")
    assert "Camiceria Seta" in best and "Camiceria Cotone" in best
    assert "Sartoria Blu" in weaker and "Sartoria Blu" not in best
    # One card is its title line and its reasons, nothing repeated on a third line.
    cards = _cards(text)
    assert len(cards) == 3 and all(len(card.splitlines()) == 2 for card in cards)
    header = text.splitlines()[0]
    assert header.startswith("Best matches for “Silk blouses for a resort capsule")
    assert header.endswith("…”:") and "relaxed fit" not in header
    title = header.split("“", 1)[1].removesuffix("…”:")
    assert LONG_PRODUCT.startswith(title) and LONG_PRODUCT[len(title)] in " ,"


async def test_an_italian_designer_reads_units_and_the_weak_label_in_italian(
    bottega: RunningBot,
) -> None:
    brief_id = await _brief(bottega, SHIRTS, language="it")
    async with bottega.session_factory() as session, session.begin():
        user = await session.get(User, 1)
        assert user is not None
        user.language = "it"
    text = (await _matches(bottega, brief_id, lang="it")).text or ""
    assert "MOQ 50 per colore ≤ i tuoi 60 per colore" in text
    assert "richiede 100 per taglia — ne hai 12" in text
    assert "Meno adatti – un altro mestiere o un punteggio basso:" in text


async def test_what_was_not_understood_is_said_with_the_matches(bottega: RunningBot) -> None:
    brief_id = await _brief(
        bottega, SHIRTS, product_text="ombrelli in seta", category=None, materials=[]
    )
    text = (await _matches(bottega, brief_id)).text or ""
    assert "ℹ️ product not understood (ombrelli): ranked by materials and description" in text
    assert "Camiceria Seta" in text


async def test_after_requesting_every_fitting_atelier_matches_counts_them(
    bottega: RunningBot,
) -> None:
    only = "\n".join(SHIRTS.splitlines()[:2])
    brief_id = await _brief(bottega, only)
    api = bottega.api
    first = await _matches(bottega, brief_id)
    await api.press(DESIGNER, first, "Camiceria Seta")
    await api.press(DESIGNER, first, "Request introductions")
    await api.wait_for(DESIGNER, contains="Introduction requested: Camiceria Seta")
    again = (await _matches(bottega, brief_id)).text or ""
    assert "Already requested for this brief: 1" in again
    assert "No atelier in the registry meets every requirement" not in again
