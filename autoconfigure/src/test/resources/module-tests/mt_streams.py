"""Generators behind fixtures.Rows, with counters the tests read after a stream is closed."""

PRODUCED = 0
CLOSED = []


def numbers(limit):
    global PRODUCED
    PRODUCED = 0
    for i in range(limit):
        PRODUCED = i + 1
        yield i


def produced():
    return PRODUCED


def forever():
    i = 0
    while True:
        yield i
        i += 1


def rows(prefix, *, limit):
    try:
        for i in range(limit):
            yield {"name": f"{prefix}{i}", "value": i}
    finally:
        CLOSED.append(limit)


def closed():
    return list(CLOSED)


def failing(after):
    for i in range(after):
        yield i
    raise ValueError(f"failed after {after} items")


def listed(n):
    return list(range(n))


def not_iterable():
    return 42


def words():
    yield "one"
    yield 2


def open_iterators():
    import _embedpython_modules
    return _embedpython_modules.open_iterators()
