package dev.embedpython.autoconfigure.module;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.embedpython.PythonException;
import dev.embedpython.PythonSession;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of {@code _embedpython_modules}, the private Python module that gives {@link PythonModule} methods
 * keyword arguments, JSON-like results and lazily fetched iterators on top of the engine's positional calls. The
 * module is installed into an interpreter the first time a call there needs it: a call that fails with
 * {@code ModuleNotFoundError} while the module is absent installs it and is made again (the target was never
 * reached). Interpreters that are recycled are new, and get it again.
 * <p>
 * Thread contract: stateless, thread-safe; each method runs on the thread that owns the session.
 */
final class ModuleBridge {

	/** The module's name in {@code sys.modules}. */
	static final String MODULE = "_embedpython_modules";

	// Flags, the first argument of an entry point: entry(flags, *args).

	/** Entry flag: make the result JSON-like (Decimal, dates, enums, dataclasses...). */
	static final int PLAIN = 1;

	/** Entry flag: keep the iterator the target returns and answer a token for {@code next_batch}. */
	static final int ITERATE = 2;

	/** Entry flag: the result is not wanted ({@code void} methods): answer {@code None}. */
	static final int DISCARD = 4;

	/** The Python type of the exception raised when a Stream or Iterator method's function returns no iterable. */
	static final String NOT_ITERABLE = MODULE + ".NotIterable";

	private static final String SOURCE = source();

	// Built in a fresh namespace and published with setdefault: two threads of a 'main' pool installing it at once
	// end up using the same module object, so a token opened through one is found through the other.
	private static final String INSTALL = """
			import sys
			module = type(sys)(name)
			exec(compile(source, name + '.py', 'exec'), module.__dict__)
			sys.modules.setdefault(name, module)
			""";

	private ModuleBridge() {
	}

	/**
	 * Call {@code _embedpython_modules.<function>(*args)}, installing the module first where it is missing.
	 * @param session the session
	 * @param function an entry point ({@code module.function}) or a helper function ({@code next_batch}, ...)
	 * @param args the arguments, already as the engine converts them
	 * @return the result
	 */
	static @Nullable Object call(PythonSession session, String function, @Nullable Object... args) {
		try {
			return session.call(MODULE, function, args);
		}
		catch (PythonException ex) {
			// The target's own ModuleNotFoundError (the user's module, or an import inside it) comes through an
			// installed helper: only a missing helper is installed and retried.
			if (!"ModuleNotFoundError".equals(ex.pythonType()) || installed(session)) {
				throw ex;
			}
		}
		session.call("builtins", "exec", INSTALL, Map.of("source", SOURCE, "name", MODULE));
		return session.call(MODULE, function, args);
	}

	/**
	 * The name of the entry point for a module's function: {@code module.function}, or
	 * {@code module.function(kw1=,kw2=)} when the last arguments go by keyword. The helper's {@code __getattr__}
	 * resolves it once per interpreter, so calls pass only values.
	 * @param module the module
	 * @param function the function
	 * @param keywords the keywords of the last arguments, in order
	 * @return the entry point's name
	 */
	static String entry(String module, String function, String... keywords) {
		if (keywords.length == 0) {
			return module + "." + function;
		}
		return module + "." + function + "(" + String.join("=,", keywords) + "=)";
	}

	/**
	 * Check a module and its functions in the session's interpreter.
	 * @param session the session
	 * @param module the module
	 * @param functions one {@code [function, positional count, [keywords]]} per method
	 * @return {@code [module problem or None, [function problem or None, ...]]}
	 */
	static List<?> validate(PythonSession session, String module, List<List<Object>> functions) {
		return (List<?>) call(session, "validate", module, functions);
	}

	private static boolean installed(PythonSession session) {
		return Boolean.TRUE.equals(session.eval("'" + MODULE + "' in __import__('sys').modules", Boolean.class));
	}

	private static String source() {
		try (InputStream in = ModuleBridge.class.getResourceAsStream(MODULE + ".py")) {
			if (in == null) {
				throw new IllegalStateException(MODULE + ".py is missing beside " + ModuleBridge.class.getName());
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
