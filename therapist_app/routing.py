"""URL converters for the plugin's routes. A URL is typed by anyone, so a value the database or a
redirect header cannot take must fail to match (a 404), never reach a query or a header."""
from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, IntegerConverter

# The largest id a BIGINT column (and SQLite's INTEGER) can hold; anything larger overflows the driver.
LARGEST_ROW_ID = 2**63 - 1


class RowIdConverter(IntegerConverter):
    """`<ta_id:…>`: a positive row id that fits the database. The regex bounds the digits, so a huge
    number matches no rule at all (404) rather than half-matching one and failing later (405)."""

    regex = r"\d{1,18}"

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=LARGEST_ROW_ID)


class WorksheetIdentifierConverter(BaseConverter):
    """`<ta_ident:…>`: a worksheet field or section id, as the worksheet schema allows them."""

    regex = r"[a-z][a-z0-9_]{0,39}"


CONVERTERS = {"ta_id": RowIdConverter, "ta_ident": WorksheetIdentifierConverter}


def register_converters(app) -> None:
    for name, converter in CONVERTERS.items():
        app.url_map.converters.setdefault(name, converter)



def page_a_form_was_posted_from(path: str) -> str | None:
    """For a GET of an address that only takes posts (a form refused with a message leaves its action,
    ".../edit", in the address bar, and a reload from there is a GET): the page one level up, if a page
    answers there. Else None."""
    parent = path.rstrip("/").rpartition("/")[0]
    if not parent:
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(parent, method="GET")
    except HTTPException:
        return None
    return request.script_root + parent
