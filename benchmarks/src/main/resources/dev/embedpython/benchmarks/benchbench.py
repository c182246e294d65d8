"""Functions called by the embedpython JMH benchmarks (copied to a temporary directory on sys.path)."""


def add(a, b):
    """The predefined two-argument function of the pooled-request benchmark."""
    return a + b


def spin(n):
    """Pure-Python CPU-bound work that never releases the GIL: about 1 ms for n = 12000 on a 2.5 GHz core."""
    x = 0
    for i in range(n):
        x += i * i
    return x


def size(d):
    """Receives a converted dict (Java -> Python conversion cost)."""
    return len(d)


_DICT7 = {
    "id": 12345,
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "score": 97.5,
    "active": True,
    "country": "GB",
    "visits": 42,
}


def dict7():
    """Returns the same 7-item dict every time (Python -> Java conversion cost)."""
    return _DICT7


def quote(sku, quantity):
    """A small dict, returned as a record by the @PythonModule benchmark and as a Map by the template baseline."""
    return {"sku": sku, "quantity": quantity, "total": 9.99 * quantity}
