"""The plugin's forms draw their inputs with faster widgets (therapist_app/form_base.py): what reaches the
browser must be exactly what WTForms writes, escaping included, and WTForms itself is left alone for the
host app."""
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget, core, html_params

from therapist_app.form_base import Form, html_attributes

NAMES = st.sampled_from(["value", "id", "name", "class_", "for_", "data_alone", "data_limit", "aria_describedby",
                         "aria_invalid", "checked", "selected", "rows", "type"])
VALUES = st.one_of(st.booleans(), st.integers(), st.text(alphabet='ab <>&"\'é\u00a0', max_size=12),
                   st.text(alphabet='ab <>&"', max_size=8).map(Markup))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=6))
def test_attributes_are_written_exactly_as_wtforms_writes_them(attributes):
    assert html_attributes(**attributes) == html_params(**attributes)


HOSTILE = '"><script>alert(1)</script>'


def _fields():
    return {
        "words": StringField("Words"),
        "choice": SelectField("Choice", choices=[("a", HOSTILE), (HOSTILE, "b")]),
        "many": SelectMultipleField("Many", choices=[("x", "X"), ("y", HOSTILE)]),
        "radio": RadioField("Radio", choices=[("yes", "Yes"), (HOSTILE, "No")]),
        "ticks": SelectMultipleField("Ticks", choices=[("p", "P"), ("q", HOSTILE)],
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()),
    }


def test_a_form_draws_the_same_page_as_wtforms_with_hostile_answers_escaped(app):
    quick_form, plain_form = type("Quick", (Form,), _fields()), type("Plain", (FlaskForm,), _fields())
    data = {"words": HOSTILE, "choice": HOSTILE, "many": ["y"], "radio": HOSTILE, "ticks": ["q"]}
    with app.test_request_context():
        quick = quick_form(meta={"csrf": False}, data=data)
        plain = plain_form(meta={"csrf": False}, data=data)
        drawn = [(str(quick[name](data_alone="", aria_invalid="true")), str(plain[name](data_alone="", aria_invalid="true")))
                 for name in data]
        options = [(str(a()), str(b())) for a, b in zip(quick.radio, plain.radio)]
    assert all(mine == theirs for mine, theirs in drawn + options)
    assert "<script>" not in "".join(mine for mine, _ in drawn)
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in drawn[0][0]
    assert type(quick.choice.widget) is not core.Select  # the faster twin was drawn, not WTForms' own


def test_wtforms_own_widgets_are_left_as_they_were_for_the_host_app(app):
    with app.test_request_context():
        type("Quick", (Form,), _fields())(meta={"csrf": False})
        plain = type("Plain", (FlaskForm,), _fields())(meta={"csrf": False})
    assert type(plain.choice.widget) is core.Select
    assert "html_params" not in vars(plain.words.widget)
    assert core.Input.html_params is core.TextInput.html_params
    assert core.Input.__dict__["html_params"].__func__ is html_params
