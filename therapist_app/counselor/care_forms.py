"""Forms that end care: archive or reactivate a couple, and delete their records after typing their name.
The practice admin's pages use them too."""
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired

from ..form_base import Form
from ..models.couple import STATUS_ACTIVE, STATUS_ARCHIVED
from ..validators import limited_text


class CareForm(Form):
    """The button's hidden field says what it does: archive ("archived") or reactivate ("active")."""

    status = HiddenField(validators=[AnyOf([STATUS_ARCHIVED, STATUS_ACTIVE])])


class DeleteCoupleForm(Form):
    confirm_name = limited_text(StringField, "Type the couple's name to confirm", 250,
                                [DataRequired("Type the couple's name, exactly as shown above, to confirm.")],
                                render_kw={"autocomplete": "off", "spellcheck": "false"})
