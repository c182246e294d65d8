"""Fill a ``string.Template`` ($name placeholders) with caller-supplied values.

Only substitution happens: templates are data, never code. Whatever is wrong with a template is the caller's
mistake and raises ``TemplateError`` (a placeholder without a value, a malformed one such as a lone ``$`` or
``${a.b}``); a text that would be longer than ``max_length`` raises ``OutputTooLarge`` before it is built, since a
short template of many placeholders can multiply a long value.
"""

from string import Template

_NAME_SHOWN = 64


class TemplateError(ValueError):
    """The template cannot be rendered with these values."""


class OutputTooLarge(ValueError):
    """The rendered text would be longer than allowed."""


def _shown(name):
    return name if len(name) <= _NAME_SHOWN else name[:_NAME_SHOWN] + "..."


def _rendered_length(template, values):
    """The length of the text ``Template(template).substitute(values)`` would return, or ``TemplateError``."""
    length = len(template)
    for match in Template.pattern.finditer(template):
        name = match.group("named") or match.group("braced")
        if name is not None:
            if name not in values:
                raise TemplateError(f"placeholder ${_shown(name)} has no value")
            length += len(values[name]) - len(match.group(0))
        elif match.group("escaped") is not None:
            length -= 1
        else:
            before = template[: match.start()]
            line = before.count("\n") + 1
            column = match.start() - (before.rfind("\n") + 1) + 1
            raise TemplateError(f"invalid placeholder at line {line}, column {column}: "
                                "a '$' must start $name, ${name} or $$")
    return length


def render(template, values, max_length=1_000_000):
    """Return the rendered text, the placeholders it named (in order of appearance) and its length."""
    length = _rendered_length(template, values)
    if length > max_length:
        raise OutputTooLarge(f"the rendered text would be {length} characters long, more than {max_length}")
    compiled = Template(template)
    text = compiled.substitute(values)
    return {"text": text, "placeholders": compiled.get_identifiers(), "length": len(text)}
