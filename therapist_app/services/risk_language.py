"""Risk language in answers: words that ask the counselor to read an answer before the session.

A flag is a prompt to read, never a finding: it says where the words are, not what they mean. The
practice admin edits the list (Practice settings); until then DEFAULT_PHRASES apply.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

# Harm, violence, self-harm and fear of the partner, in the plain words people write.
DEFAULT_PHRASES = (
    "hurt myself", "harm myself", "kill myself", "end my life", "suicide", "suicidal", "self-harm",
    "self harm", "cut myself", "don't want to live", "not want to be here", "hit me", "hits me", "pushed me",
    "shoved me", "slapped me", "choked", "strangled", "threatened", "threatens", "weapon", "gun", "knife",
    "violent", "violence", "afraid of him", "afraid of her", "afraid of them", "scared of him",
    "scared of her", "scared of them", "afraid to go home", "unsafe at home", "hurt the children",
    "take the kids",
)
MAX_PHRASES = 200
MAX_PHRASE_LENGTH = 60


@dataclass(frozen=True)
class RiskFlag:
    exercise: str      # the exercise's title
    partner: str       # whose answer
    question: str      # the question, as its author was asked it
    phrase: str        # the words found


def phrases_of(practice) -> tuple[str, ...]:
    return tuple(practice.risk_phrases) if practice.risk_phrases is not None else DEFAULT_PHRASES


def clean_phrase_list(text: str) -> list[str]:
    """The admin's list, one phrase per line: trimmed, lower-case, de-duplicated, in their order."""
    seen, phrases = set(), []
    for line in (text or "").splitlines():
        phrase = " ".join(line.split()).lower()
        if phrase and phrase not in seen and len(phrase) <= MAX_PHRASE_LENGTH:
            seen.add(phrase)
            phrases.append(phrase)
    return phrases[:MAX_PHRASES]


@lru_cache(maxsize=32)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    if not phrases:
        return None
    # Whole words only: "gun" must not flag "begun".
    alternatives = "|".join(re.escape(p).replace("\\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):  # a table of rows: each cell
        for row in value:
            if isinstance(row, dict):
                yield from (cell for cell in row.values() if isinstance(cell, str))


def flags_in(views, phrases: tuple[str, ...]) -> list[RiskFlag]:
    """Every answer in these side-by-side views that contains a phrase, once per answer."""
    pattern = _pattern(phrases)
    if pattern is None:
        return []
    flags = []
    for view in views:
        for row in view.rows:
            for partner, cell in zip(view.partners, row.cells, strict=True):
                if not cell.applies or cell.state:
                    continue
                match = next((m for text in _texts(cell.text) if (m := pattern.search(text))), None)
                if match:
                    flags.append(RiskFlag(view.definition.title, partner.display_name, cell.asked or row.field.label,
                                          match.group(1).lower()))
    return flags
