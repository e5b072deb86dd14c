"""What every field kind has: the FieldKind base class and its defaults, the answer states, and the
text limit of answer forms."""
from typing import get_args

from ...validators import TextLimit

STATE_SKIPPED = "skipped"
STATE_NOT_READY = "not_ready"
STATE_LABELS = {STATE_SKIPPED: "Skipped", STATE_NOT_READY: "Not ready yet"}


def MaxLength(limit: int) -> TextLimit:  # noqa: N802 - reads as the validator it is
    return TextLimit(limit, "This answer")


def _blank(text) -> bool:
    return text is None or (isinstance(text, str) and not text.strip())


class UnfitAnswer(ValueError):
    """An answer from elsewhere (an imported file) that this field cannot hold; its message is written
    for the counselor."""


class FieldKind:
    """One field type. `spec_model` is the pydantic model of the settings a worksheet gives it; the
    literal of its `type` is the kind's name."""
    spec_model: type
    label = ""  # in the builder's "Add a question" list
    macro = ""  # its widget: a macro in templates/therapist_app/_macros.html, which answer_field calls
    fieldset = False  # answered with a group of inputs (boxes, a table), so asked with a fieldset and legend
    fhir_type = "string"
    fhir_repeats = False  # answered with several values (or rows): the FHIR item repeats
    has_options = False  # answered by choosing among the worksheet's options (`spec.options`)
    numeric = False  # answered with a whole number from 0 to 10: show_if compares it with numbers
    # Which of its settings the builder's editor offers: its options (has_options, above), a table's
    # columns, and the words for a scale's two ends.
    has_columns = False
    has_scale_labels = False
    records_agreement = False  # the counselor writes down the couple's agreed wording (Assignment.agreements)

    @property
    def name(self) -> str:
        return get_args(self.spec_model.model_fields["type"].annotation)[0]

    def form_field(self, spec, label: str):
        raise NotImplementedError

    def from_form(self, form_field, spec):
        """The answer from a validated form field, or None when left empty."""
        data = form_field.data
        return None if _blank(data) else data

    def to_form(self, value, spec):
        return value

    def display(self, value, spec):
        """Plain text for pages and PDFs (a table dict for `rows`). Escaping is the template's job."""
        return "" if value is None else str(value)

    def sample_answer(self, spec, text: str = "My answer"):
        """An answer of the right shape, as stored (tests fill in whole worksheets with it)."""
        raise NotImplementedError

    def possible_answers(self, spec) -> set | None:
        """Every answer it can give, when it gives exactly one of a known few (a scoring item, a
        question several show_if conditions must all hold on); None for free text or several ticks."""
        return None

    def points(self, value, spec) -> int | None:
        """An answer's points in a scored measure (engine/scoring.py); None when it has none."""
        return None

    def fhir_item(self, spec) -> dict:
        """What its Questionnaire item holds besides linkId, text and type: options, columns, limits."""
        return {}

    def fhir_notes(self, spec) -> list[str]:
        """Sentences for under the question (after its help), for systems that show them."""
        return []

    def fhir_response_items(self, value, spec, text: str) -> list[dict]:
        """Its QuestionnaireResponse items for an answer: one item, or none when there is nothing to say."""
        answers = self.fhir_answers(value, spec)
        return [{"linkId": spec.id, "text": text, "answer": answers}] if answers else []

    def fhir_answers(self, value, spec) -> list[dict]:
        return [] if value is None else [{"valueString": str(value)}]

    def from_fhir(self, answers: list[dict], spec):
        return answers[0].get("valueString") if answers else None

    def from_fhir_items(self, items: list[dict], spec):
        """The value from its QuestionnaireResponse item(s), or None; UnfitAnswer when there is one but
        it cannot be this field's. Whether the value fits the field is `accepts`."""
        answers = items[0].get("answer") or []
        if len(items) > 1 or (len(answers) > 1 and not self.fhir_repeats):
            raise UnfitAnswer("this question takes one answer, and the file gives several")
        value = self.from_fhir(answers, spec)
        if value is None and answers:
            raise UnfitAnswer("the answer has a type this question does not accept")
        return value

    def accepts(self, value, spec) -> bool:
        """Whether a value from elsewhere (an import) is one this field can hold: the right kind of
        value, a known option, within its limits."""
        raise NotImplementedError
