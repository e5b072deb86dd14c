"""Answers posted (without JavaScript) just after the session ended: kept, then saved at the next sign-in."""
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from ..engine.forms import answers_from_form, build_answer_form
from ..engine.presentation import sections_for
from ..errors import ConflictError, NotFoundError, RuleError
from ..extensions import session
from ..models import PendingSave, User
from ..models.base import utcnow
from . import responses

KEEP_FOR = timedelta(hours=24)
# A person mid-answer leaves one or two posts behind; more than this is a replayed cookie, not typing.
MAX_PER_PERSON = 5


def keep(user_id: int, assignment_id: int, section: int, form: MultiDict) -> None:
    """Seals what was posted; nothing is applied until the same person signs in again. Only the newest
    few are kept per person."""
    fields = {name: form.getlist(name) for name in form if name.startswith(("a__", "s__"))}
    if not fields:
        return
    # The revision the page had: replayed later, the post must not be written over answers saved since.
    fields["revision"] = form.getlist("revision")[:1]
    session.add(PendingSave(user_id=user_id, assignment_id=assignment_id, section=section, form=fields))
    session.flush()
    newest = select(PendingSave.id).where(PendingSave.user_id == user_id).order_by(PendingSave.id.desc()) \
        .limit(MAX_PER_PERSON)
    session.execute(delete(PendingSave).where(PendingSave.user_id == user_id, PendingSave.id.not_in(newest)))
    session.commit()


def discard_for(user_id: int) -> None:
    """Kept posts die with the sessions they came from (sign-out, password change, deactivation)."""
    session.execute(delete(PendingSave).where(PendingSave.user_id == user_id))


class Replayed(NamedTuple):
    saved: int  # kept posts written into the draft
    met_newer: int  # kept posts older than answers saved since: kept aside, the newer answers stay


def apply_for(user: User) -> Replayed:
    """Saves each kept post into the person's draft, oldest first."""
    session.execute(delete(PendingSave).where(PendingSave.created_at < utcnow() - KEEP_FOR))
    saved = met_newer = 0
    for pending in session.scalars(select(PendingSave).where(PendingSave.user_id == user.id)
                                   .order_by(PendingSave.id)).all():
        try:
            page = responses.open_worksheet(user, pending.assignment_id)
            index = min(pending.section, len(sections_for(page.definition, page.role, page.answers)) - 1)
            view = sections_for(page.definition, page.role, page.answers, within=index)[index]
            form = build_answer_form(view.fields, page.role, page.answers, formdata=MultiDict(
                [(name, value) for name, values in pending.form.items() for value in values]),
                meta={"csrf": False})
            form.validate()
            values, states, _ = answers_from_form(form, view.fields)
            values, states, met = _without_clashes(user, page, pending, values, states)
            met_newer += met
            if values or states or not met:
                responses.save_draft(user, pending.assignment_id, values, states)
                saved += 1
        except (NotFoundError, RuleError):
            pass  # the exercise closed meanwhile: nothing can be saved into it
        session.delete(pending)
    session.commit()
    return Replayed(saved, met_newer)


def _without_clashes(user: User, page, pending: PendingSave, values: dict, states: dict) -> tuple[dict, dict, int]:
    """What of a kept post may be written now. If answers were saved since its page was opened
    (another device), a question answered since keeps its newer answer, and the kept one is set aside
    (a conflict, as a second window's save is); what was typed into questions still blank is written,
    and blanks in the post clear nothing. Returns the values and states to write, and 1 if any clashed."""
    base = _revision_of(pending.form)
    current = page.response.revision if page.response is not None else 0
    if base is None or base == current:
        return values, states, 0
    newer = page.answers
    values = {k: v for k, v in values.items() if v not in (None, "", [])}
    states = {k: v for k, v in states.items() if v}
    clashing = {k for k, v in values.items() if newer["values"].get(k) not in (None, "", []) and newer["values"][k] != v}
    clashing |= {k for k in states if k in newer["values"] or k in newer["states"]}
    if not clashing:
        return values, states, 0
    try:  # recorded as a conflict and refused: the newer answers stay
        responses.save_draft(user, pending.assignment_id, {k: values[k] for k in clashing if k in values},
                             {k: states[k] for k in clashing if k in states}, base)
    except ConflictError:
        pass
    return ({k: v for k, v in values.items() if k not in clashing},
            {k: v for k, v in states.items() if k not in clashing}, 1)


def _revision_of(form: dict) -> int | None:
    """The revision the page had when it posted (none in posts kept before it was recorded)."""
    posted = (form.get("revision") or [""])[0]
    return int(posted) if posted.isdigit() else None
