"""Practice decks: which signs a learner can practise, grouped.

    all       every KArSL sign the loaded model knows
    numbers   KArSL numbers (1-31), letters (32-70), words (71-): those the model knows
    mine      the personal signs (taught, or imported from a teacher's pack)

A deck lists `Card`s in their natural order (KArSL id, or the personal signs by name);
`core.progress.order` puts them in the order they need practice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arsl_desktop.core.labels import LabelTable
from arsl_desktop.core.personal_store import PersonalSign
from arsl_desktop.core.progress import karsl_key, personal_key

CATEGORIES = ("numbers", "letters", "words")  # KArSL categories, in the table's order


@dataclass(frozen=True)
class Card:
    key: str  # the progress key (core.progress.karsl_key / personal_key)
    ar: str
    en: str
    karsl_id: int | None = None  # a KArSL sign (references shipped with the app)
    personal: PersonalSign | None = None  # a personal sign (its examples are the references)

    @property
    def label(self) -> str:
        return f"{self.ar} ({self.en})" if self.ar else self.en


@dataclass(frozen=True)
class Deck:
    id: str  # "all", "numbers", "letters", "words", "mine"
    cards: tuple[Card, ...]

    def card(self, key: str) -> Card | None:
        return next((c for c in self.cards if c.key == key), None)


def karsl_cards(labels: LabelTable, class_ids: Sequence[int], category: str | None = None) -> tuple[Card, ...]:
    signs = sorted((labels[i] for i in set(class_ids) if labels.get(i) is not None), key=lambda s: s.id)
    return tuple(Card(karsl_key(s.id), s.ar, s.en, karsl_id=s.id) for s in signs
                 if category is None or s.category == category)


def personal_cards(signs: Sequence[PersonalSign]) -> tuple[Card, ...]:
    ordered = sorted(signs, key=lambda s: (s.en.casefold(), s.key))
    return tuple(Card(personal_key(s.key), s.ar, s.en, karsl_id=s.karsl_id, personal=s) for s in ordered)


def build_decks(labels: LabelTable, class_ids: Sequence[int], personal: Sequence[PersonalSign]) -> list[Deck]:
    """The decks there are signs for: all the model's signs, each category it has, my signs."""
    decks = [Deck("all", karsl_cards(labels, class_ids))]
    for category in CATEGORIES:
        cards = karsl_cards(labels, class_ids, category)
        if cards and len(cards) < len(decks[0].cards):
            decks.append(Deck(category, cards))
    mine = personal_cards(personal)
    if mine:
        decks.append(Deck("mine", mine))
    return [d for d in decks if d.cards]
