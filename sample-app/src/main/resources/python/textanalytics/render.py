"""Fill a ``string.Template`` ($name placeholders) with caller-supplied values.

Only substitution happens: templates are data, never code. A placeholder without a value raises ``KeyError``,
a malformed one (a lone ``$``) raises ``ValueError``.
"""

from string import Template


def render(template, values):
    """Return the rendered text, the placeholders it named (in order of appearance) and its length."""
    compiled = Template(template)
    text = compiled.substitute(values)
    return {"text": text, "placeholders": compiled.get_identifiers(), "length": len(text)}
