"""Data and functions of ConversionBenchmark (copied to a temporary directory on sys.path). The containers are
built the same way in Java (ConversionBenchmark.Data)."""

import array
import marshal
import time

from benchbench import _DICT7 as DICT7

FLOATS = [i * 0.5 + 0.1 for i in range(100_000)]
INTS = [i * 7919 for i in range(100_000)]
STRS = ["item%d" % i for i in range(10_000)]
DICT = {"key%d" % i: i * 31 for i in range(1_000)}
TEXT = {
    "latin1": "".join(chr(0x61 + i % 26) if i % 4 else "\xe9" for i in range(1 << 20)),
    "bmp": "".join(chr(0x410 + i % 64) if i % 4 else chr(0x4E00 + i % 512) for i in range(1 << 20)),
}
DOUBLES = array.array("d", (i * 0.25 for i in range(1_000_000)))

CONTAINERS = {"list_float": FLOATS, "list_int": INTS, "list_str": STRS, "dict_str_int": DICT, "dict7": DICT7}
_DUMPED = {name: marshal.dumps(value) for name, value in CONTAINERS.items()}


def container(name):
    """One of the prebuilt containers (Python -> Java conversion cost)."""
    return CONTAINERS[name]


def text(kind):
    """A 1 Mi-character str: 'latin1' (one byte per character in CPython) or 'bmp' (two)."""
    return TEXT[kind]


def doubles():
    """array.array('d') of 1,000,000 items (buffer -> double[] cost)."""
    return DOUBLES


def ident(x):
    return x


def size(x):
    """Receives a converted value (Java -> Python conversion cost)."""
    return len(x)


def dict7():
    """The 7-item dict of PooledRequestBenchmark (Python -> Java, per call)."""
    return DICT7


def dumps(name):
    """The marshal floor, Python -> bytes: what C costs to serialize the container."""
    return len(marshal.dumps(CONTAINERS[name]))


def loads(name):
    """The marshal floor, bytes -> Python: what C costs to build the container."""
    return len(marshal.loads(_DUMPED[name]))


def marshal_floors(repeat=5, budget_ns=200_000_000):
    """marshal.dumps and marshal.loads of each container, timed inside Python: the best of `repeat` rounds,
    in ns per element (per entry for dicts)."""
    floors = {}
    for name, value in CONTAINERS.items():
        dumped = _DUMPED[name]
        for label, call, argument in (("dumps", marshal.dumps, value), ("loads", marshal.loads, dumped)):
            start = time.perf_counter_ns()
            call(argument)
            once = max(1, time.perf_counter_ns() - start)
            reps = max(1, min(1000, budget_ns // (repeat * once * 4)))
            best = None
            for _ in range(repeat):
                start = time.perf_counter_ns()
                for _ in range(reps):
                    call(argument)
                elapsed = (time.perf_counter_ns() - start) / reps / len(value)
                best = elapsed if best is None else min(best, elapsed)
            floors[name + "." + label] = best
    return floors
