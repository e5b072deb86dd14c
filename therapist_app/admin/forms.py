"""The practice admin's forms."""
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, Regexp, ValidationError

from ..form_base import Form
from ..services.crisis import COUNTRY_NAMES
from ..validators import limited_text, trimmed
from ..timezones import TimezoneField


class InviteCounselorForm(Form):
    display_name = limited_text(StringField, "Name", 120, [DataRequired("Please enter a name.")])
    email = limited_text(StringField, "Email", 254, [DataRequired("Please enter an email address."),
                                                     Email("Please check this email address.")],
                         filters=[trimmed])


class ConfirmForm(Form):
    """A bare form: its CSRF token is the confirmation."""


class PracticeForm(Form):
    name = limited_text(StringField, "Practice name", 200, [DataRequired("Please enter the practice's name.")],
                       # Where it appears: mail.messages.counselor_invitation only. Partners' emails and pages
                       # leave it out on purpose (a name can say what the portal is for).
                       description="Used in the email that invites a new counselor. Partners never see it: "
                                   "their emails and pages do not name the practice.")
    country = SelectField("Country", choices=list(COUNTRY_NAMES.items()),
                          description="Decides the emergency and crisis numbers in every client page's footer.")
    paper_size = SelectField("Paper size for printed documents", choices=[("A4", "A4"), ("Letter", "Letter")])
    require_two_factor = BooleanField(
        "Counselors and administrators sign in with a code from an authenticator app too",
        description="Strongly recommended for real client records. Each person sets it up at their next sign-in.")
    footer_note = limited_text(StringField, "First sentence of the client footer (optional)", 500, [Optional()],
                              description="Default: “This portal is not watched in real time.”")

    joint_homework_gate = SelectField(
        "Joint homework before both private check-ins are read",
        choices=[("block", "Wait: joint homework opens once both check-ins are read (recommended)"),
                 ("warn", "Warn the counselor, but let joint homework open"),
                 ("off", "Off")],
        description="While joint homework waits, both partners see the same neutral line, whoever has or hasn't finished.")
    default_timezone = TimezoneField("Default time zone",
                                   description="New counselors and partners start in this time zone; each can choose their own.")


class RiskPhrasesForm(Form):
    phrases = limited_text(TextAreaField, "Words and phrases to flag, one per line", 12000, [Optional()], render_kw={"rows": 10},
                           description="Matched as whole words, in any letter case. A flag asks the counselor "
                                       "to read an answer first; it is never a finding.")


class TransferForm(Form):
    """Which counselor of this practice takes the couple over (choices: the practice's active counselors)."""

    counselor = SelectField("Move this couple to", coerce=str, choices=[],
                            validators=[DataRequired("Choose the counselor who takes this couple over.")])


class DeactivateForm(Form):
    """Where a leaving counselor's couples go. Empty only when they have no couple in care."""

    # Not on the page when they have no couples: then nothing posted means no one.
    transfer_to = SelectField("Their couples go to", coerce=str, choices=[], validate_choice=True, default="",
                              description="Every couple of theirs, archived ones too, moves with all their records.")


def _id_or_none(value):
    """A person's id from the filter, or None for "anyone" (and for anything that is not an id)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class AuditFilterForm(Form):
    """The audit page's filters. Read from the address (GET): filtering changes nothing, so it needs
    no CSRF token, and the address holds ids and dates only, never a name."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()], description="The first day to show, in your time zone.")
    end = DateField("To", validators=[Optional()], description="The last day to show (included).")
    actor = SelectField("Who", coerce=_id_or_none, validate_choice=False, validators=[Optional()])
    action = SelectField("What", validate_choice=False, validators=[
        Optional(), Regexp(r"^[a-z0-9_]{1,60}$", message="Please choose one of the listed actions.")])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The last day is before the first day.")
