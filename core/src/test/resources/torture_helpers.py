"""Functions the torture test (dev.embedpython.torture.TortureMain) calls; each interpreter imports its own copy."""
import threading


def add(a, b):
    return a + b


def echo(value):
    return value


def length(text):
    return len(text)


class TortureError(Exception):
    pass


def fail(kind, message):
    if kind == 0:
        raise ValueError(message)
    if kind == 1:
        return len(message) // 0
    if kind == 2:
        raise TortureError(message)
    if kind == 3:
        try:
            raise ValueError(message)
        except ValueError as cause:
            raise RuntimeError('wrapped ' + message) from cause
    # A cause cycle: Java must not turn it into a long (or endless) chain.
    first = ValueError(message)
    second = TypeError('other ' + message)
    first.__cause__ = second
    second.__cause__ = first
    raise first


def spin():
    while True:
        pass


def csum(n):
    # One C call (range + sum) that TimeoutError cannot interrupt.
    return sum(range(n))


def sqlite_udf(x):
    # sqlite3 calls the UDF through PyGILState_Ensure.
    import sqlite3
    connection = sqlite3.connect(':memory:')
    try:
        connection.create_function('twice', 1, lambda v: v * 2)
        return connection.execute('select twice(?)', (x,)).fetchone()[0]
    finally:
        connection.close()


def ctypes_sort(values):
    # libc's qsort calls back into Python through a ctypes thunk (PyGILState_Ensure).
    import ctypes
    n = len(values)
    array = (ctypes.c_long * n)(*values)
    compare_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_long), ctypes.POINTER(ctypes.c_long))

    def compare(a, b):
        return (a[0] > b[0]) - (a[0] < b[0])

    callback = compare_type(compare)
    ctypes.CDLL(None).qsort(array, n, ctypes.sizeof(ctypes.c_long), callback)
    return list(array)


def python_threads(n):
    results = [None] * n

    def work(i):
        results[i] = sum(range(i * 1000))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


_never = threading.Event()


def start_forever():
    # A non-daemon thread that never ends (own-GIL interpreters refuse daemon threads).
    thread = threading.Thread(target=_never.wait, name='torture-forever')
    thread.start()
    return thread.name


def mutating_list(n, position):
    # Converting the set runs __iter__, which empties the list being converted.
    target = []

    class ClearsOnIter(set):
        def __iter__(self):
            target.clear()
            return set.__iter__(self)

    target.extend(range(n))
    target.insert(position, ClearsOnIter({1, 2}))
    return target


def mutating_dict(n, position):
    target = {}

    class ClearsOnIter(set):
        def __iter__(self):
            target.clear()
            return set.__iter__(self)

    for i in range(n):
        if i == position:
            target['set'] = ClearsOnIter({1})
        target['k%d' % i] = i
    return target


def int_subclass(value):
    # An int whose str() is not its digits.
    class Odd(int):
        def __str__(self):
            return 'odd'

        __repr__ = __str__

    return Odd(value)
