"""The partner's form for a topic to talk about next session."""
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..form_base import Form
from ..models.session_topic import TOPIC_COUNSELOR, TOPIC_SHARED


class TopicForm(Form):
    text = TextAreaField("Something I want to talk about next time",
                         validators=[DataRequired("Please write a few words about it."), Length(max=1000)],
                         render_kw={"rows": 3, "maxlength": 1000})
    visibility = RadioField("Who can see it", default=TOPIC_COUNSELOR, choices=[
        (TOPIC_COUNSELOR, "Only my counselor"),
        (TOPIC_SHARED, "My counselor and my partner"),
    ])


class ConfirmForm(Form):
    """A bare form: its CSRF token is the confirmation (withdrawing a topic)."""
