"""Lists shown a page at a time (a partner's finished homework, their session summaries): the page a
request asks for, and where to send it when there is no such page."""
from flask import redirect, request, url_for

LAST_PAGE_ASKED = 10_000  # a page number beyond any history (a larger one is taken as this)


def page_asked() -> int:
    """The `page` the request asks for, from 1 (0 when it asks for less than 1)."""
    return max(0, min(request.args.get("page", 1, type=int), LAST_PAGE_ASKED))


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def elsewhere(endpoint: str, page: int, pages: int):
    """A redirect when `page` is not one of the `pages` (to the first, or the last), else None."""
    if page < 1:
        return redirect(url_for(endpoint))
    if page > pages:
        return redirect(url_for(endpoint, page=pages))
    return None
