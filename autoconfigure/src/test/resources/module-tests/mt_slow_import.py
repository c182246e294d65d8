"""A module whose import takes half a second, far longer than the tiny call timeouts of the startup validation
tests: a first import may take longer than a request may, and the validation must not be cut short by that."""

import time

time.sleep(0.5)


def ready():
    return True
