"""Form validators shared by every form: text limits that refuse, never cut."""
from wtforms.validators import ValidationError


class TextLimit:
    """Refuses text over the limit with a message that says by how much. Unlike WTForms' Length it
    sets no `maxlength` attribute: a browser cuts a paste at maxlength without a word, and a long
    answer would lose its end silently. Pages mark the field with `data-limit` for a live count."""

    def __init__(self, limit: int, what: str = "This text"):
        self.limit = limit
        self.what = what

    def __call__(self, form, field):
        text = field.data or ""
        if "\x00" in text:  # no database stores it (PostgreSQL refuses it outright); nothing typed makes one
            raise ValidationError(f"{self.what} contains an invisible character that can't be stored. "
                                  "Please type it again.")
        if len(text) > self.limit:
            raise ValidationError(over_limit_message(self.what, self.limit, len(text)) + " Nothing else was lost.")


def over_limit_message(what: str, limit: int, length: int) -> str:
    return f"{what} can be up to {limit:,} characters. It is {length:,} now; please shorten it by {length - limit:,}."


def line_breaks_as_shown(value):
    """A WTForms filter: a browser sends each line break of a text area as two characters (CR LF) but
    shows and counts it as one; kept as one, so that a limit counts what the person sees."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def trimmed(value):
    """A WTForms filter: spaces around a pasted email address are not part of it."""
    return value.strip() if isinstance(value, str) else value


def limited_text(field_class, label: str, limit: int, validators=(), what: str = "This text", **kwargs):
    """A text field refused (never cut) past `limit`, marked with `data-limit` for the live count."""
    render_kw = {"data-limit": limit, **kwargs.pop("render_kw", {})}
    filters = [*kwargs.pop("filters", ()), line_breaks_as_shown]
    return field_class(label, validators=[*validators, TextLimit(limit, what)], render_kw=render_kw, filters=filters,
                       **kwargs)
