"""The bridge between this interpreter's Python code and the JVM that embeds it (embedpython).

call(name, *args), or java.<name>(*args), calls a Java function that the application registered (a JavaException
is raised when it throws). The logging handler and sys.stdout/sys.stderr that embedpython installs forward log
records and printed lines to the JVM's log sink: python.<logger name>, python.stdout (INFO) and python.stderr
(WARNING).

call, names, log, level and output are native functions of the JVM; this module is created by embedpython in every
interpreter and cannot be imported from a file.
"""

import sys as _sys
from _thread import get_ident as _get_ident
from io import TextIOBase as _TextIOBase
from time import monotonic as _monotonic


class JavaException(RuntimeError):
    """A Java callable threw: java_class is the Java exception's class name, java_message its message (or None)."""

    def __init__(self, message, java_class, java_message):
        super().__init__(message)
        self.java_class = java_class
        self.java_message = java_message


class _Callables:
    """The Java callables as attributes: java.price_of(sku) is call('price_of', sku)."""

    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def invoke(*args):
            return call(name, *args)

        invoke.__name__ = invoke.__qualname__ = name
        return invoke

    def __dir__(self):
        return names()

    def __repr__(self):
        return '<Java callables: ' + ', '.join(names()) + '>'


java = _Callables()

# The threshold (the lowest Python level number that reaches the log sink) per logger name. Java is asked once per
# name; the answers are dropped every _LEVEL_TTL seconds and whenever the JVM bumps _generation[0], a word of JVM
# memory: reading it is no call into Java, so a record of a disabled level costs none.
_LEVEL_TTL = 1.0
_generation = _generation_memory.cast('q')
_levels = {}
_levels_valid = [-1, 0.0]


def _threshold(name):
    generation = _generation[0]
    now = _monotonic()
    if generation != _levels_valid[0] or now >= _levels_valid[1]:
        _levels.clear()
        _levels_valid[0] = generation
        _levels_valid[1] = now + _LEVEL_TTL
    threshold = _levels.get(name)
    if threshold is None:
        threshold = _levels[name] = level(name)
    return threshold


# What each thread wrote after its last line break, per stream: (stream, thread id) -> [text, ...]. The JVM sends a
# thread's unfinished line when the Java call on that thread ends (_flush); _pending[0] (a byte of JVM memory) is 1
# while there may be any, so that the JVM does not call in to find out.
_partial = {}
_pending = _pending_memory.cast('B')
_PARTIAL_LIMIT = 8192


class _Output(_TextIOBase):
    """sys.stdout or sys.stderr: every complete line is one record of the JVM's log sink."""

    def __init__(self, stream, name, level_number, original):
        super().__init__()
        self._stream = stream
        self._name = name
        self._level = level_number
        self.original = original

    @property
    def name(self):
        return '<' + self._name + '>'

    @property
    def encoding(self):
        return 'utf-8'

    @property
    def errors(self):
        return 'strict'

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not ' + type(text).__name__)
        key = (self._stream, _get_ident())
        if '\n' not in text:
            if text:
                parts = _partial.get(key)
                if parts is None:
                    _partial[key] = [text]
                    _pending[0] = 1
                else:
                    parts.append(text)
                    if len(parts) > 64:
                        joined = ''.join(parts)
                        if len(joined) >= _PARTIAL_LIMIT:
                            del _partial[key]
                            output(self._stream, [joined])
                        else:
                            parts[:] = [joined]
            return len(text)
        parts = _partial.pop(key, None)
        lines = (''.join(parts) + text if parts else text).split('\n')
        rest = lines.pop()
        # The level is looked at once per complete line (or lines), not per piece that print() writes.
        if self._level >= _threshold(self._name):
            output(self._stream, lines)
        if rest:
            _partial[key] = [rest]
            _pending[0] = 1
        return len(text)

    def flush(self):
        # A line is sent when it is complete, or when the Java call ends: flushing sends nothing early, so that
        # print(..., flush=True) and progress output do not split lines into several records.
        pass


def _flush(ident):
    """Send the unfinished line of the thread whose Java call ends, and those of threading's threads that ended."""
    threading = _sys.modules.get('threading')
    alive = {thread.ident for thread in threading.enumerate()} if threading is not None else {ident}
    for key in list(_partial):
        if key[1] == ident or key[1] not in alive:
            parts = _partial.pop(key, None)
            if parts:
                output(key[0], [''.join(parts)])
    if not _partial:
        _pending[0] = 0


def _describe(exception, seen, depth):
    """An exception and its cause chain as plain values: (type, message, traceback text, frames, cause)."""
    seen.add(id(exception))
    kind = type(exception)
    type_name = kind.__qualname__ if kind.__module__ == 'builtins' else kind.__module__ + '.' + kind.__qualname__
    try:
        message = str(exception)
    except Exception:
        message = '<unprintable>'
    frames = []
    tb = exception.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        code = frame.f_code
        frames.append((str(frame.f_globals.get('__name__', '?')), code.co_qualname, code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    try:
        import traceback
        text = ''.join(traceback.format_exception(exception, chain=False))
    except Exception:
        text = type_name + ': ' + message + '\n'
    cause = exception.__cause__
    if cause is None and not exception.__suppress_context__:
        cause = exception.__context__
    if cause is None or id(cause) in seen or depth >= 16:
        cause_description = None
    else:
        cause_description = _describe(cause, seen, depth + 1)
    return (type_name, message, text, frames, cause_description)


class _LoggingLoader:
    """Runs logging's own loader, then forwards logging to the JVM."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self._loader
        self._loader.exec_module(module)
        _forward_logging(module)


class _LoggingFinder:
    """Forwards logging to the JVM when it is first imported: an interpreter that never logs does not pay for importing
    it (tens of milliseconds). It stays in sys.meta_path, inert once used: removing it could make an import running in
    another thread skip a finder."""

    armed = True

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != 'logging' or not cls.armed:
            return None
        cls.armed = False
        for finder in _sys.meta_path:
            find_spec = getattr(finder, 'find_spec', None)
            if finder is cls or find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, 'exec_module'):
                    spec.loader = _LoggingLoader(spec.loader)
                return spec
        return None


_logging_restore = []


def _forward_logging(logging):
    """Send every record of Python's logging to the JVM; the JVM's level of each logger decides what is logged."""

    class Handler(logging.Handler):
        """Forwards records to the JVM's log sink (python.<logger name>), with their exception."""

        def handle(self, record):
            # No handler lock: the JVM side is thread-safe, and a lock held while Java logs helps nobody.
            if record.levelno < _threshold(record.name):
                return False
            accepted = self.filter(record)
            if isinstance(accepted, logging.LogRecord):
                record = accepted
            if accepted:
                self.emit(record)
            return accepted

        def emit(self, record):
            try:
                exc_info = record.exc_info
                described = None
                if exc_info and exc_info[1] is not None:
                    described = _describe(exc_info[1], set(), 0)
                log(record.name, record.levelno, record.getMessage(), described, record.threadName)
            except RecursionError:
                raise
            except Exception:
                self.handleError(record)

    is_enabled_for = logging.Logger.isEnabledFor

    def isEnabledFor(self, level):
        # _threshold inlined for the common case (a known logger, the cache still valid): this runs for every
        # logging call, enabled or not.
        threshold = _levels.get(self.name)
        if threshold is None or _generation[0] != _levels_valid[0] or _monotonic() >= _levels_valid[1]:
            threshold = _threshold(self.name)
        return level >= threshold and is_enabled_for(self, level)

    handler = Handler()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    # Python's default (WARNING) would drop records before the JVM's level could let them through.
    root.setLevel(logging.NOTSET)
    logging.Logger.isEnabledFor = isEnabledFor

    def restore():
        root.removeHandler(handler)
        if root.level == logging.NOTSET:
            root.setLevel(previous_level)
        if logging.Logger.isEnabledFor is isEnabledFor:
            logging.Logger.isEnabledFor = is_enabled_for

    _logging_restore.append(restore)


def _install(capture_output, forward_logging):
    if capture_output:
        _sys.stdout = _Output(1, 'stdout', 20, _sys.stdout)
        _sys.stderr = _Output(2, 'stderr', 30, _sys.stderr)
    if forward_logging:
        logging = _sys.modules.get('logging')
        if logging is not None:
            _forward_logging(logging)
        else:
            _sys.meta_path.insert(0, _LoggingFinder)


def _uninstall():
    """Put the interpreter's own streams and logging back, before it ends: nothing may call into the JVM after."""
    _LoggingFinder.armed = False
    for key in list(_partial):
        parts = _partial.pop(key, None)
        if parts:
            output(key[0], [''.join(parts)])
    for restore in _logging_restore:
        restore()
    _logging_restore.clear()
    if isinstance(_sys.stdout, _Output):
        _sys.stdout = _sys.stdout.original
    if isinstance(_sys.stderr, _Output):
        _sys.stderr = _sys.stderr.original
