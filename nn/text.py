"""A tiny text for character-level language models, generated from a grammar we wrote.

Every sentence is ``determiner [adjective] noun verb determiner [adjective] noun.``, one per line,
e.g. ``the tan cat chases a hen.``. Words are spelled from 12 letters, so the alphabet is small
(15 characters with space, full stop and newline) and a model's samples are easy to judge: are
they real words, in the grammar's order, with a full stop and a line break at the end?
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

from nn.checks import check_count

__all__ = [
    "ADJECTIVES",
    "DETERMINERS",
    "NOUNS",
    "VERBS",
    "WORDS",
    "Vocab",
    "entropy_per_char",
    "grammar_text",
    "is_grammatical",
    "sentence",
]

DETERMINERS = ("the", "a")
ADJECTIVES = ("red", "sad", "tan", "tall")
NOUNS = ("cat", "dog", "hen", "rat")
VERBS = ("sees", "eats", "hates", "chases")
WORDS = frozenset(DETERMINERS + ADJECTIVES + NOUNS + VERBS)


def _noun_phrase(rng: random.Random) -> list[str]:
    words = [rng.choice(DETERMINERS)]
    if rng.random() < 0.5:
        words.append(rng.choice(ADJECTIVES))
    words.append(rng.choice(NOUNS))
    return words


def sentence(rng: random.Random) -> str:
    """One sentence of the grammar, with its full stop (no newline)."""
    words = [*_noun_phrase(rng), rng.choice(VERBS), *_noun_phrase(rng)]
    return " ".join(words) + "."


def grammar_text(n_sentences: int = 100, seed: int = 0) -> str:
    """``n_sentences`` sentences, each on its own line (the same text for the same seed)."""
    n_sentences = check_count("n_sentences", n_sentences)
    gen = random.Random(seed)
    return "".join(sentence(gen) + "\n" for _ in range(n_sentences))


def is_grammatical(line: str) -> bool:
    """True if ``line`` is exactly one sentence of the grammar (without its newline)."""
    if not line.endswith("."):
        return False
    words = line[:-1].split(" ")

    def noun_phrase(i: int) -> int | None:
        """Index after a noun phrase starting at i, or None."""
        if i >= len(words) or words[i] not in DETERMINERS:
            return None
        i += 1
        if i < len(words) and words[i] in ADJECTIVES:
            i += 1
        return i + 1 if i < len(words) and words[i] in NOUNS else None

    i = noun_phrase(0)
    if i is None or i >= len(words) or words[i] not in VERBS:
        return False
    return noun_phrase(i + 1) == len(words)


class Vocab:
    """The characters of a text, each with an index: encode to indices or one-hot vectors."""

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = sorted(set(chars))
        if not self.chars or any(len(c) != 1 for c in self.chars):
            raise ValueError("Vocab needs at least one character, each a string of length 1")
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """Each character's index; ValueError naming the first character not in the vocabulary."""
        try:
            return [self.index[c] for c in text]
        except KeyError as e:
            raise ValueError(f"character {e.args[0]!r} is not in the vocabulary") from None

    def decode(self, indices: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in indices)

    def one_hot(self, i: int) -> list[float]:
        """A list of len(self) floats: 1.0 at index i, 0.0 elsewhere."""
        if not 0 <= i < len(self.chars):  # -1 would quietly mean the last character
            raise ValueError(f"index {i} is outside a vocabulary of {len(self.chars)}")
        v = [0.0] * len(self.chars)
        v[i] = 1.0
        return v


def entropy_per_char() -> float:
    """The grammar's entropy rate in nats per character: the lowest loss any model can reach.

    Sentences are independent and each choice (determiner, whether an adjective comes, which one,
    noun, verb) is uniform, so it is H(sentence) / E[characters per sentence].
    """

    def mean_len(words: Sequence[str]) -> float:
        return sum(map(len, words)) / len(words)

    def log_n(words: Sequence[str]) -> float:
        return math.log(len(words))

    # a noun phrase: determiner, an adjective with probability 1/2, noun
    np_entropy = log_n(DETERMINERS) + math.log(2) + 0.5 * log_n(ADJECTIVES) + log_n(NOUNS)
    np_chars = mean_len(DETERMINERS) + 1 + 0.5 * (mean_len(ADJECTIVES) + 1) + mean_len(NOUNS)
    entropy = 2 * np_entropy + log_n(VERBS)
    chars = 2 * np_chars + mean_len(VERBS) + 2 + 2  # two spaces around the verb, ".", "\n"
    return entropy / chars
