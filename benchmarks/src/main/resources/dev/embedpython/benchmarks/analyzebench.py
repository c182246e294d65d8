"""The sample's text analysis (sample-app's ``textanalytics.analyze``) as ``/api/analyze`` runs it, for
``SampleAnalyzeBenchmark``: ``analyze(text)`` is the request's one call (a str in, a nested dict out);
``analyzed(text)`` takes the same text and returns the result of its first analysis again, so its cost is what the
request spends outside the analysis: the call and the conversions both ways (the analysis itself, ~0.1 ms, would
bury those few microseconds in its own noise).

The level of a score is computed here in Python instead of through the sample's Java bean, and the module's log
line is switched off: the same Python work runs on every engine, including engines without the bridge to the JVM
(BridgeBenchmark measures a callback and a log record).
"""

import sys
import types

try:
    import _embedpython  # noqa: F401  (the bridge to the JVM, when the engine has one)
except ImportError:
    sys.modules["_embedpython"] = types.SimpleNamespace(java=None)

from textanalytics import analyze as _analyze


def _level(score):
    if score >= 80.0:
        return "easy"
    if score >= 60.0:
        return "standard"
    if score >= 30.0:
        return "difficult"
    return "very difficult"


_analyze.level = _level
if hasattr(_analyze, "log"):
    _analyze.log.disabled = True


def analyze(text):
    return _analyze.analyze(text)


_RESULTS = {}


def analyzed(text):
    result = _RESULTS.get(text)
    if result is None:
        result = _RESULTS[text] = _analyze.analyze(text)
    return result
