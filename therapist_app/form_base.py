"""The base of every form in the plugin: Flask-WTF's FlaskForm (CSRF and all), drawn by widgets that
write their attributes faster.

WTForms writes each attribute through `Markup.format`, which escapes the name and the already escaped
value a second time; the exercise page draws some 60 inputs and options, the couple page 75, and that
was a tenth of each page's time (docs/benchmarks.md). `html_attributes` writes the same text, with the
same escaping, in plain string steps. The faster widgets are given to this plugin's forms only
(`Form.Meta.bind_field`): WTForms itself is left as it is, for the host app that mounts the plugin."""
import copy

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets import core


_QUOTE, _ESCAPED_QUOTE = Markup('"'), Markup("&quot;")


def html_attributes(**attributes) -> Markup:
    """The same text as `wtforms.widgets.html_params`: attributes sorted by name, `class_` → class,
    `data_x_y` → data-x-y, True a bare attribute, False none, every value HTML-escaped (a value that is
    already Markup has its double quotes escaped, so that it cannot end the attribute)."""
    written = []
    for name, value in sorted(attributes.items()):
        name = core.clean_key(name)
        if value is True:
            written.append(name)
        elif value is not False:
            written.append(f'{name}="{escape(value).replace(_QUOTE, _ESCAPED_QUOTE)}"')
    return Markup(" ".join(written))


class QuickSelect(core.Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        return Markup(f"<option {html_attributes(**options)}>{escape(choice.label or choice.value)}</option>")


_QUICK: dict = {}  # the default widget → its faster twin; widgets hold settings, never a person's data


def quick_widget(widget):
    """The faster twin of a WTForms widget that writes attributes through `html_params`; any other widget
    (a list of options, a text area: one call each) as it is."""
    if widget is None or not isinstance(widget, (core.Input, core.Select)):
        return widget
    twin = _QUICK.get(widget)
    if twin is None:
        if isinstance(widget, core.Select):
            twin = QuickSelect(multiple=widget.multiple)
        else:
            twin = copy.copy(widget)
            twin.html_params = html_attributes  # Input calls self.html_params: a staticmethod by design
        twin = _QUICK.setdefault(widget, twin)
    return twin


class Form(FlaskForm):
    def show_rule_error(self, error, default: str) -> None:
        """A service's RuleError beside the field it names (else beside `default`), as WTForms' own are."""
        getattr(self, error.field if error.field in self._fields else default).errors.append(error.message)

    class Meta:
        def bind_field(self, form, unbound_field, options):
            for name in ("widget", "option_widget"):
                given = unbound_field.kwargs.get(name) or getattr(unbound_field.field_class, name, None)
                twin = quick_widget(given)
                if twin is not given:
                    options = {**options, name: twin}
            return unbound_field.bind(form=form, **options)
