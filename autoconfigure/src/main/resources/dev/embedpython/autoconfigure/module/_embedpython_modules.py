"""Entry points of embedpython's @PythonModule interfaces, installed once per interpreter as _embedpython_modules.

Not an API. The engine passes positional arguments only and has no handles to Python objects, so this module adds
what the Java proxies need on top of it:

- ``<module>.<function>`` and ``<module>.<function>(<kw1>=,<kw2>=)`` attributes (PEP 562 ``__getattr__``):
  ``entry(flags, *args)`` calls the target, the last arguments by the keywords its name lists, and makes the result
  JSON-like (``PLAIN``), drops it (``DISCARD``, for void methods: nothing to convert, nothing to fail) or keeps the
  iterator it returns (``ITERATE``) and answers a token. The engine caches the entry per interpreter, so a call
  converts no keyword names, and traces name ``_embedpython_modules.<entry>``.
- ``next_batch(token, size)`` and ``close_iter(token)`` lend an iterator out in batches.
- ``validate(module, functions)`` checks a module and its functions at application start.

Iterators are kept per interpreter, and a Java stream keeps its interpreter until it is closed or exhausted, so a
token is only ever used by the session that opened it.
"""

import dataclasses
import datetime
import decimal
import enum
import importlib
import inspect
import itertools
import traceback
import uuid
from keyword import iskeyword

PLAIN = 1
ITERATE = 2
DISCARD = 4

_iterators = {}
_tokens = itertools.count(1)
_SCALARS = frozenset((type(None), bool, int, float, str, bytes))


class NotIterable(TypeError):
    """A function behind a Stream or Iterator method returned something that cannot be iterated item by item."""


def plain(value):
    """``value`` with Decimal, dates, times, UUIDs and enums as str, timedeltas as seconds, dataclasses and named
    tuples as dicts, tuples, sets and arrays (``tolist()``) as lists: what Jackson maps onto records, BigDecimal,
    LocalDate, Instant, double[]... Dicts and lists that hold only scalars are returned as they are."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    # The checks of a dict or list of scalars loop in C (issuperset over map(type, ...)).
    if kind is dict:
        if _SCALARS.issuperset(map(type, value.values())) and _SCALARS.issuperset(map(type, value)):
            return value
        return {_plain_key(key): plain(item) for key, item in value.items()}
    if kind is list:
        if _SCALARS.issuperset(map(type, value)):
            return value
        return [plain(item) for item in value]
    if kind is tuple:
        return [plain(item) for item in value]
    if isinstance(value, enum.Enum):  # before int and str: IntEnum and StrEnum members are both
        return value.name
    if isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return plain(value._asdict())
    if isinstance(value, dict):
        return {_plain_key(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars, array.array, memoryview
    if callable(tolist):
        return plain(tolist())
    return value  # the engine names the type it cannot convert


def _plain_key(key):
    # A tuple or frozenset key stays one: as a list it could not be a key any more.
    return key if type(key) in _SCALARS or isinstance(key, (tuple, frozenset)) else plain(key)


# The body of every entry point; CALL is the target's call, with the keywords written out (compiled once per entry
# point and interpreter, so that a call builds no kwargs dict).
_ENTRY = """
def entry(flags, *args):
    result = CALL
    if flags & ITERATE:
        return _open(name, result, flags & PLAIN)
    if flags & DISCARD:
        return None
    return plain(result) if flags & PLAIN else result
"""


def __getattr__(name):
    # "module.function" or "module.function(kw1=,kw2=)": the last len(keywords) arguments go by keyword.
    target_name, paren, keyword_part = name.partition("(")
    module, _, function = target_name.rpartition(".")
    keywords = tuple(keyword.rstrip("=") for keyword in keyword_part[:-1].split(",")) if paren else ()
    if (not module or not function or function.startswith("__") or (paren and not keyword_part.endswith("=)"))
            or not all(keyword.isidentifier() and not iskeyword(keyword) for keyword in keywords)):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    target = getattr(importlib.import_module(module), function)
    count = len(keywords)
    call = "target(*args)" if not count else "target(*args[:-%d], %s)" % (
        count, ", ".join(f"{keyword}=args[{index - count}]" for index, keyword in enumerate(keywords)))
    namespace = {"target": target, "name": target_name, "_open": _open, "plain": plain, "ITERATE": ITERATE,
                 "PLAIN": PLAIN, "DISCARD": DISCARD}
    exec(compile(_ENTRY.replace("CALL", call), f"<entry {name}>", "exec"), namespace)
    entry = namespace["entry"]
    entry.__name__ = entry.__qualname__ = name
    return entry


def _open(name, result, plain_items):
    # A str would be lent out character by character: almost certainly not what the Java method means.
    if isinstance(result, (str, bytes, bytearray)):
        raise NotIterable(f"{name} returned {type(result).__qualname__}, not an iterable of items")
    try:
        iterator = iter(result)
    except TypeError:
        raise NotIterable(f"{name} returned {type(result).__qualname__}, which is not iterable") from None
    token = next(_tokens)
    _iterators[token] = (iterator, plain_items)
    return token


def next_batch(token, size):
    """Up to ``size`` items; fewer when the iterator is exhausted, which then is forgotten."""
    try:
        iterator, plain_items = _iterators[token]
    except KeyError:
        raise LookupError(f"no open iterator {token} in this interpreter (closed, or the interpreter was replaced)")
    try:
        batch = list(itertools.islice(iterator, size))
    except BaseException:
        _iterators.pop(token, None)
        raise
    if len(batch) < size:
        _iterators.pop(token, None)
    return [plain(item) for item in batch] if plain_items else batch


def close_iter(token):
    """Forget an iterator that was not exhausted; a generator is closed (its ``finally`` blocks run)."""
    entry = _iterators.pop(token, None)
    if entry is not None and hasattr(entry[0], "close"):
        entry[0].close()


def open_iterators():
    """How many iterators are lent out in this interpreter (tests)."""
    return len(_iterators)


def _describe(positional, keywords):
    parts = [f"{positional} positional argument{'' if positional == 1 else 's'}"]
    if keywords:
        parts.append("keyword argument" + ("s " if len(keywords) > 1 else " ") + ", ".join(keywords))
    return " and ".join(parts)


def validate(module, functions):
    """Check that ``module`` imports and that each ``[function, positional count, [keyword names]]`` is a callable
    accepting those arguments. Returns ``[module problem or None, [None or [kind, problem], ...]]``, ``kind`` being
    ``"function"`` (missing, not callable) or ``"signature"`` (does not accept the arguments)."""
    try:
        imported = importlib.import_module(module)
    except BaseException as ex:  # a module that raises anything at import is unusable
        return ["".join(traceback.format_exception_only(ex)).strip(), [None] * len(functions)]
    return [None, [_check(module, imported, *function) for function in functions]]


def _check(module, imported, function, positional, keywords):
    if not hasattr(imported, function):
        return ["function", f"module {module!r} has no attribute {function!r}"]
    target = getattr(imported, function)
    if not callable(target):
        return ["function", f"{module}.{function} is not callable: it is of type {type(target).__qualname__}"]
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):  # builtins without a signature: nothing more to check
        return None
    try:
        signature.bind(*range(positional), **dict.fromkeys(keywords))
    except TypeError as ex:
        return ["signature", f"{module}.{function}{signature} cannot be called with "
                             f"{_describe(positional, keywords)}: {ex}"]
    return None
