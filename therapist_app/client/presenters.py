"""Turns a partner's worksheet page into what the templates show. No access decisions here:
the service has already filtered what this partner may see."""
from dataclasses import dataclass

from ..models.response import NOT_YET
from ..visibility import effective_visibility
from ..engine.completeness import is_answered
from ..engine.fields import STATE_LABELS, kind_of
from ..engine.presentation import field_by_id, label_for, sections_for
from ..services.private_check_in import asks_about_crisis, crisis_answered

ONLY_COUNSELOR = "Only your counselor sees this."
PARTNER_AFTER_BOTH = "Your partner sees this after you have both submitted."
PARTNER_AFTER_REVIEW = "Your partner sees this after your counselor has read it with you."
ONLY_COUNSELOR_INDIVIDUAL = "Only your counselor sees this exercise."


def shared_with_partner(page, field) -> bool:
    """Whether the other partner may see this answer after both submit (before any hold-back)."""
    return effective_visibility(page.assignment, field) == "shared" and page.assignment.is_joint


def visibility_notes(page) -> dict[str, str]:
    """What each field says about who will see it (no surprise disclosure)."""
    shared = PARTNER_AFTER_REVIEW if page.assignment.waits_for_release else PARTNER_AFTER_BOTH
    return {field.id: shared if shared_with_partner(page, field) else ONLY_COUNSELOR
            for field in page.fields}


def gate_for(page, args) -> str | None:
    """A question asked before the form: is it safe to answer now, or are you ready for this."""
    if args.get("edit") == "1" or args.get("safe") == "1":
        return None
    if page.definition.policy.gate:
        return page.definition.policy.gate
    # Asked again while this partner's answer is "not yet": it was their only way to say they are ready.
    if page.definition.readiness_check and (page.response is None or page.response.readiness in (None, NOT_YET)):
        return "readiness"
    return None


def is_sent_check_in(page) -> bool:
    return page.definition.policy.hidden_once_sent and page.response is not None and page.response.is_submitted


def crisis_panel(page, answers) -> str | None:
    """"shown" when the partner's own answers include a crisis answer (self-harm): crisis resources
    appear at once, without JavaScript too; "ready" when a question could call for them live;
    None when the exercise asks nothing of the kind."""
    if crisis_answered(page.definition, answers):
        return "shown"
    return "ready" if asks_about_crisis(page.definition) else None


@dataclass
class AnswerItem:
    field_id: str
    section_title: str
    label: str
    text: object
    state: str | None
    shared: bool
    answered: bool


def answer_list(page, answers: dict) -> list[AnswerItem]:
    items = []
    for section in sections_for(page.definition, page.role, answers):
        for field in section.fields:
            value = answers["values"].get(field.id)
            state = answers["states"].get(field.id)
            items.append(AnswerItem(
                field.id, section.section.title, label_for(field, page.role),
                kind_of(field).display(value, field) if not state else "",
                STATE_LABELS.get(state),
                shared_with_partner(page, field),
                is_answered(value) and not state,
            ))
    return items


def partner_answer_list(page) -> list[tuple[str, object]]:
    """The other partner's revealed answers, each under the words its author was asked."""
    result = []
    for field_id, value in page.partner_shared.items():
        field = field_by_id(page.definition, field_id)
        result.append((label_for(field, page.partner_role), kind_of(field).display(value, field)))
    return result


def review_form(page, form):
    """Offers hold-back only for answers the partner would otherwise see."""
    shareable = [item for item in answer_list(page, page.answers) if item.shared and item.answered]
    form.hold_back.choices = [(item.field_id, item.label) for item in shareable]
    if not form.is_submitted():
        form.revision.data = str(page.response.revision if page.response else 0)
        if page.response is not None:
            form.hold_back.data = list(page.response.held_back or [])
    return form


def conflict_texts(page, current: dict) -> dict[str, object]:
    """The newer saved answers, as text, for the page to show beside what the partner typed here."""
    texts = {}
    for field_id, value in current.items():
        field = field_by_id(page.definition, field_id)
        if field is not None:
            texts[field_id] = kind_of(field).display(value, field)
    return texts


def where_they_stopped(page) -> int:
    """The part to open when a partner comes back to an exercise they have started: the first with
    a question still to answer (or to skip) or an answer to shorten, or the last part, with its Review
    button, when none is left. A new exercise, and a sent one being changed, open at the start."""
    if not page.answers["values"] or (page.response is not None and page.response.is_submitted):
        return 0
    return part_with(page, {**page.missing, **page.too_long})


def part_with(page, field_ids) -> int:
    """The first part that asks any of `field_ids`; the last part when none does."""
    sections = sections_for(page.definition, page.role, page.answers)
    for index, view in enumerate(sections):
        if any(field.id in field_ids for field in view.fields):
            return index
    return max(len(sections) - 1, 0)
