"""JINJA2_FORM_RENDERER's select (apps/core/form_templates): its options written in place give
the markup of Django's own Jinja2 templates (select.html including select_option.html and
attrs.html per option), for plain and grouped choices, selected, disabled and multiple ones, and
with escaping (issue 17)."""

from django import forms
from django.forms.renderers import Jinja2

from apps.core.forms import JINJA2_FORM_RENDERER


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Choose"), ("a", "Alpha & <b>"), ("b", 'Beta "quoted"')])
    grouped = forms.ChoiceField(choices=[("", "None"), ("Food", [("1", "Bread"), ("2", "Cheese")]),
                                         ("Home", [("3", "Rent")])])
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    yes_no = forms.NullBooleanField()
    flagged = forms.ChoiceField(choices=[("p", "P"), ("q", "Q")],
                                widget=forms.Select(attrs={"class": "form-select", "aria-invalid": "true",
                                                           "required": True, "disabled": False}))


class RadioToo(forms.Form):
    """Not a select: its options have their own template, which the override leaves alone."""

    pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def test_the_select_written_in_place_is_the_markup_of_djangos_templates():
    data = {"plain": "a", "grouped": "2", "several": ["x", "z"], "yes_no": "true", "flagged": "q"}
    stock = Jinja2()
    for form_class, bound in [(Everything, data), (Everything, None), (RadioToo, {"pick": "b"})]:
        ours = form_class(bound, renderer=JINJA2_FORM_RENDERER)
        theirs = form_class(bound, renderer=stock)
        for name in ours.fields:
            assert str(ours[name]) == str(theirs[name]), name
    html = str(Everything(data, renderer=JINJA2_FORM_RENDERER)["grouped"])
    assert '<optgroup label="Food">' in html and '<option value="2" selected>Cheese</option>' in html
    assert "Alpha &amp; &lt;b&gt;" in str(Everything(data, renderer=JINJA2_FORM_RENDERER)["plain"])
