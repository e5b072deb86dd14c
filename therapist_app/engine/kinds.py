"""The worksheet-kind registry: what each kind of worksheet may do, in one place.

A worksheet file names its kind (`kind:` in the YAML); every rule that differs between kinds reads the
kind's policy here instead of comparing names. A new kind is one `KindPolicy` in `KINDS` (and its name in
the schema's `kind` choices); the services, pages and packets follow its answers.
"""
from dataclasses import dataclass

KIND_EXERCISE = "exercise"
KIND_TRUST_CHECK_IN = "trust_check_in"
KIND_SAFETY_CHECK_IN = "safety_check_in"


@dataclass(frozen=True)
class KindPolicy:
    name: str
    label: str
    # Individual or joint: True when each partner always gets an assignment of their own (never one
    # shared by both), whatever the counselor picks.
    one_per_partner: bool
    # Whether any answer may ever be shared with the other partner.
    shareable: bool
    # The question asked before the form: "safety" (is it safe to answer here, now?) or None, in which
    # case the worksheet's own readiness check applies if it has one.
    gate: str | None
    # Sent answers are never shown again, not even to their author (portals are read on shared
    # devices); a short addendum is the way to add something. Its existence leaves no trace either.
    hidden_once_sent: bool
    # Whether the counselor may leave a comment for the partner when marking it reviewed.
    comments_allowed: bool
    # Its answers screen for safety: the practice's own alerting answers apply, and both partners'
    # read check-ins open joint homework when the practice gates it.
    screens_safety: bool
    # Listed in the prep packet and the couple's homework at all (the private check-in never is).
    printable: bool
    # Printed side by side as answers in the prep packet; otherwise shown another way (a trend).
    printed_as_answers: bool
    # Its ratings feed the weekly trust chart.
    charted: bool
    # Counted as homework for the next session in summaries (check-ins run beside the homework).
    is_homework: bool
    # The repeat a counselor is offered by default, in weeks (None: once).
    suggested_repeat_weeks: int | None


KINDS: dict[str, KindPolicy] = {
    policy.name: policy
    for policy in (
        KindPolicy(KIND_EXERCISE, "Exercise", one_per_partner=False, shareable=True, gate=None,
                   hidden_once_sent=False, comments_allowed=True, screens_safety=False, printable=True,
                   printed_as_answers=True, charted=False, is_homework=True, suggested_repeat_weeks=None),
        KindPolicy(KIND_TRUST_CHECK_IN, "Weekly check-in", one_per_partner=False, shareable=True, gate=None,
                   hidden_once_sent=False, comments_allowed=True, screens_safety=False, printable=True,
                   printed_as_answers=False, charted=True, is_homework=False, suggested_repeat_weeks=1),
        KindPolicy(KIND_SAFETY_CHECK_IN, "Private check-in", one_per_partner=True, shareable=False, gate="safety",
                   hidden_once_sent=True, comments_allowed=False, screens_safety=True, printable=False,
                   printed_as_answers=False, charted=False, is_homework=False, suggested_repeat_weeks=None),
    )
}
KIND_NAMES = tuple(KINDS)


def policy_of(kind: str) -> KindPolicy:
    return KINDS[kind]
