package dev.embedpython.autoconfigure.module;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;
import java.util.stream.Stream;

import dev.embedpython.PythonConversionException;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonSession;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

import org.springframework.core.ResolvableType;

/**
 * One method of a {@link PythonModule} interface: the function it calls, how its arguments are passed and how the
 * result comes back. A call without keywords whose result the engine converts directly (scalars, {@code String},
 * collections and maps of them, {@code byte[]}) goes straight to {@code module.function}, like
 * {@code PythonTemplate.call}; the others go through an entry point of {@link ModuleBridge}.
 * <p>
 * Thread contract: immutable, thread-safe; each call borrows its own session.
 */
final class ModuleMethod {

	/** What a method returns. */
	enum Kind {

		/** Nothing: the result is dropped in Python. */
		VOID,

		/** A value converted once. */
		VALUE,

		/** {@code Optional<T>}: empty for {@code None}. */
		OPTIONAL,

		/** {@code Stream<T>} over a Python iterator, fetched in batches. */
		STREAM,

		/** {@code Iterator<T>} or {@link PythonIterator PythonIterator<T>}, fetched in batches. */
		ITERATOR

	}

	/** Python's reserved words (keyword.kwlist), which cannot name a function or a keyword argument. */
	private static final Set<String> PYTHON_KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async",
			"await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
			"global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
			"while", "with", "yield");

	private final String label;

	private final String module;

	private final String function;

	private final String entry;

	private final int[] positional;

	private final String[] keywords;

	private final int[] keywordIndexes;

	private final Kind kind;

	private final JavaType valueType;

	private final @Nullable Class<?> engineTarget;

	private final boolean direct;

	private final int flags;

	private final JsonValues values;

	private final int batchSize;

	private ModuleMethod(String label, String module, String function, int[] positional, String[] keywords,
			int[] keywordIndexes, Kind kind, JavaType valueType, JsonValues values, int batchSize) {
		this.label = label;
		this.module = module;
		this.function = function;
		this.entry = ModuleBridge.entry(module, function, keywords);
		this.positional = positional;
		this.keywords = keywords;
		this.keywordIndexes = keywordIndexes;
		this.kind = kind;
		this.valueType = valueType;
		this.values = values;
		this.batchSize = batchSize;
		boolean natural = JsonValues.isNatural(valueType);
		this.direct = keywords.length == 0 && natural && (kind == Kind.VALUE || kind == Kind.OPTIONAL);
		Class<?> raw = valueType.getRawClass();
		this.engineTarget = (this.direct && JsonValues.isEngineTarget(raw)) ? raw : null;
		int flags = natural ? 0 : ModuleBridge.PLAIN;
		if (kind == Kind.STREAM || kind == Kind.ITERATOR) {
			flags |= ModuleBridge.ITERATE;
		}
		else if (kind == Kind.VOID) {
			flags = ModuleBridge.DISCARD;
		}
		this.flags = flags;
	}

	/**
	 * Describe a method of an interface, or add what is wrong with it to {@code problems}.
	 * @param type the interface
	 * @param method one of its abstract methods
	 * @param module the module's name
	 * @param values the conversions
	 * @param batchSize the items fetched at once by streams and iterators
	 * @param problems where to add what is wrong
	 * @return the method, or {@code null} if something is wrong with it
	 */
	static @Nullable ModuleMethod of(Class<?> type, Method method, String module, JsonValues values, int batchSize,
			List<Problem> problems) {
		String label = type.getSimpleName() + "." + method.getName();
		int before = problems.size();
		PythonFunction annotation = method.getAnnotation(PythonFunction.class);
		String function = (annotation != null) ? annotation.value() : method.getName();
		if (!isIdentifier(function)) {
			problems.add(new Problem(PythonModuleValidationException.Kind.DEFINITION, label, (annotation != null)
					? "@PythonFunction(\"" + function + "\") is not a Python identifier"
					: "'" + function + "' is not a Python identifier: name the function with @PythonFunction"));
		}
		List<Integer> positional = new ArrayList<>();
		Map<String, Integer> keywords = new LinkedHashMap<>();
		Parameter[] parameters = method.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			Kw kw = parameters[i].getAnnotation(Kw.class);
			if (kw == null) {
				positional.add(i);
				continue;
			}
			String keyword = keyword(kw, parameters[i]);
			if (keyword == null) {
				problems.add(new Problem(PythonModuleValidationException.Kind.DEFINITION, label, "parameter " + i
						+ " is @Kw without a name and the class file has no parameter names: write @Kw(\"name\") or "
						+ "compile with -parameters"));
			}
			else if (!isIdentifier(keyword)) {
				problems.add(new Problem(PythonModuleValidationException.Kind.DEFINITION, label,
						"@Kw(\"" + keyword + "\") is not a Python identifier"));
			}
			else if (keywords.putIfAbsent(keyword, i) != null) {
				problems.add(new Problem(PythonModuleValidationException.Kind.DEFINITION, label,
						"keyword '" + keyword + "' is given twice"));
			}
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, type);
		Class<?> raw = returnType.toClass();
		Kind kind;
		ResolvableType valueType = returnType;
		if (raw == void.class || raw == Void.class) {
			kind = Kind.VOID;
		}
		else if (raw == Optional.class) {
			kind = Kind.OPTIONAL;
			valueType = returnType.getGeneric(0);
		}
		else if (raw == Stream.class) {
			kind = Kind.STREAM;
			valueType = returnType.getGeneric(0);
		}
		else if (raw == Iterator.class || raw == PythonIterator.class) {
			kind = Kind.ITERATOR;
			valueType = returnType.getGeneric(0);
		}
		else if (BaseStream.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw)
				|| CompletionStage.class.isAssignableFrom(raw)) {
			problems.add(new Problem(PythonModuleValidationException.Kind.DEFINITION, label, "returns "
					+ raw.getName() + ", which a Python call cannot produce: calls are synchronous; return the "
					+ "value, or Stream<T>, Iterator<T> or PythonIterator<T> for items fetched lazily"));
			kind = Kind.VALUE;
		}
		else {
			kind = Kind.VALUE;
		}
		if (problems.size() > before) {
			return null;
		}
		return new ModuleMethod(label, module, function, positional.stream().mapToInt(Integer::intValue).toArray(),
				keywords.keySet().toArray(String[]::new),
				keywords.values().stream().mapToInt(Integer::intValue).toArray(), kind,
				values.type((valueType.resolve() != null) ? valueType.getType() : Object.class), values, batchSize);
	}

	private static @Nullable String keyword(Kw kw, Parameter parameter) {
		if (!kw.value().isEmpty()) {
			return kw.value();
		}
		return parameter.isNamePresent() ? parameter.getName() : null;
	}

	private static boolean isIdentifier(String name) {
		if (name.isEmpty() || PYTHON_KEYWORDS.contains(name)
				|| (!Character.isUnicodeIdentifierStart(name.codePointAt(0)) && name.charAt(0) != '_')) {
			return false;
		}
		return name.codePoints().allMatch((c) -> Character.isUnicodeIdentifierPart(c) && c != 0x7F);
	}

	/**
	 * {@code Interface.method}.
	 * @return the label
	 */
	String label() {
		return this.label;
	}

	/**
	 * The Python function's name.
	 * @return the name
	 */
	String function() {
		return this.function;
	}

	/**
	 * How {@code validate} in the helper checks this method's function.
	 * @return {@code [function, positional count, [keywords]]}
	 */
	List<Object> signature() {
		return List.of(this.function, this.positional.length, List.of(this.keywords));
	}

	/**
	 * Call the function.
	 * @param pool the pool to borrow from
	 * @param args the method's arguments ({@code null} for none)
	 * @return the result as the method declares it
	 */
	@Nullable Object invoke(PythonPool pool, @Nullable Object @Nullable [] args) {
		// An entry point of the helper takes its flags first; keyword values follow the positional ones.
		int offset = this.direct ? 0 : 1;
		Object[] callArgs = new Object[offset + this.positional.length + this.keywords.length];
		for (int i = 0; i < this.positional.length; i++) {
			callArgs[offset + i] = this.values.toPython(args[this.positional[i]]);
		}
		for (int i = 0; i < this.keywords.length; i++) {
			callArgs[offset + this.positional.length + i] = this.values.toPython(args[this.keywordIndexes[i]]);
		}
		if (this.direct) {
			return invokeDirect(pool, callArgs);
		}
		callArgs[0] = this.flags;
		if (this.kind == Kind.STREAM || this.kind == Kind.ITERATOR) {
			return iterate(pool, callArgs);
		}
		Object result;
		try (PythonSession session = pool.acquire()) {
			result = ModuleBridge.call(session, this.entry, callArgs);
		}
		catch (PythonConversionException ex) {
			throw notConverted(ex);
		}
		return convert(result);
	}

	private @Nullable Object invokeDirect(PythonPool pool, Object[] positional) {
		Object result;
		try (PythonSession session = pool.acquire()) {
			result = (this.engineTarget != null)
					? session.call(this.engineTarget, this.module, this.function, positional)
					: session.call(this.module, this.function, positional);
		}
		catch (PythonConversionException ex) {
			throw notConverted(ex);
		}
		if (this.engineTarget != null) {
			return (this.kind == Kind.OPTIONAL) ? Optional.ofNullable(result) : result;
		}
		return convert(result);
	}

	/**
	 * The engine could not convert the result (a Python type it does not know, a str for an int).
	 */
	private PythonConversionException notConverted(PythonConversionException ex) {
		PythonConversionException wrapped = new PythonConversionException(this.label + ": " + this.module + "."
				+ this.function + " returned a value that is not " + this.valueType.toCanonical() + ": "
				+ ex.getMessage());
		wrapped.initCause(ex);
		return wrapped;
	}

	private @Nullable Object convert(@Nullable Object result) {
		return switch (this.kind) {
			case VOID -> null;
			case OPTIONAL -> (result != null) ? Optional.ofNullable(toJava(result, " returned")) : Optional.empty();
			default -> toJava(result, " returned");
		};
	}

	private @Nullable Object toJava(@Nullable Object value, String verb) {
		return this.values.toJava(value, this.valueType, this.label + ": " + this.module + "." + this.function + verb);
	}

	private Object iterate(PythonPool pool, Object[] entryArgs) {
		PythonSession session = pool.acquire();
		long token;
		try {
			token = ((Number) ModuleBridge.call(session, this.entry, entryArgs)).longValue();
		}
		catch (PythonException ex) {
			session.close();
			if (ModuleBridge.NOT_ITERABLE.equals(ex.pythonType())) {
				PythonConversionException mismatch = new PythonConversionException(this.label + ": "
						+ ex.pythonMessage() + " where an iterable of " + this.valueType.toCanonical()
						+ " was expected");
				mismatch.initCause(ex);
				throw mismatch;
			}
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			session.close();
			throw ex;
		}
		BatchedIterator<Object> iterator = new BatchedIterator<>(session, token, this.batchSize,
				(item) -> toJava(item, " yielded"));
		return (this.kind == Kind.STREAM) ? iterator.stream() : iterator;
	}

	@Override
	public String toString() {
		return this.label + " -> " + this.module + "." + this.function;
	}

}
