"""Identifiers made from people's words: a question's id from its wording, an imported item's id, a slug.

One rule for the builder and the FHIR import alike: lower-case ASCII letters, digits and underscores,
a letter first, within the schema's length, and never one the worksheet already uses.
"""
import re
import unicodedata

IDENTIFIER_MAX_LENGTH = 40  # the schema's Identifier pattern allows a letter and 39 more


def plain_words(text) -> str:
    """Lower-case ASCII letters and digits, everything else a single space ("MoodCheck" → "mood check")."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def unique_identifier(text, taken: set, prefix: str, max_length: int = IDENTIFIER_MAX_LENGTH) -> str:
    """A snake_case identifier from `text` (or `prefix` when it has no letters or digits), starting with
    a letter, at most `max_length` characters, not in `taken`; it is added to `taken`. Repeats get
    "_2", "_3"… within the same length."""
    base = plain_words(text).replace(" ", "_") or prefix
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    base = base[:max_length].rstrip("_")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[: max_length - len(str(n)) - 1]}_{n}", n + 1
    taken.add(candidate)
    return candidate
