package dev.embedpython.autoconfigure.module;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.embedpython.PythonConversionException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.POJONode;

/**
 * Java values to what the engine converts to Python, and the engine's Java values to the types a
 * {@link PythonModule} method declares, through a Jackson {@link JsonMapper}. Values the engine converts itself
 * ({@code null}, {@code String}, {@code Boolean}, integers, {@code Double}, {@code Float}, {@code BigInteger},
 * {@code byte[]} and primitive arrays) pass unchanged, collections and maps element by element; anything else
 * crosses in its JSON form (records and POJOs as dicts, enums, dates, times and UUIDs as str) except
 * {@code BigDecimal}, which becomes its exact decimal text (Python: {@code Decimal(value)}), not a float.
 * <p>
 * Thread contract: immutable, thread-safe.
 */
final class JsonValues {

	/** The Java classes of the Python scalars the engine converts, by the name of their Python type. */
	private static final Map<Class<?>, String> PYTHON_SCALARS = Map.of(Boolean.class, "bool", Long.class, "int",
			BigInteger.class, "int", Double.class, "float", String.class, "str", byte[].class, "bytes");

	private final JsonMapper mapper;

	JsonValues(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * The Jackson type of a Java type, generics included.
	 * @param type the type
	 * @return its Jackson type
	 */
	JavaType type(Type type) {
		return this.mapper.getTypeFactory().constructType(type);
	}

	/**
	 * Whether the engine's Java values of a type's Python counterparts map onto it without help: every class the
	 * type mentions is a scalar, {@code Object}, a collection, a map or an array. Other types (records, POJOs,
	 * {@code BigDecimal}, dates, enums) need Python's values made JSON-like first ({@code plain} in the helper).
	 * @param type the type
	 * @return whether it maps directly
	 */
	static boolean isNatural(JavaType type) {
		if (type.isArrayType() && type.getContentType().isPrimitive()) {
			// bytes become byte[]; numbers come as lists (or numpy arrays, made lists by plain)
			return type.getRawClass() == byte[].class;
		}
		if (type.isArrayType() || type.isCollectionLikeType()) {
			return isNatural(type.getContentType());
		}
		if (type.isMapLikeType()) {
			return isNatural(type.getKeyType()) && isNatural(type.getContentType());
		}
		Class<?> raw = type.getRawClass();
		return raw == Object.class || raw == Number.class || isScalar(raw);
	}

	/**
	 * Whether the engine converts a Python value to this class itself, strictly (a str is never an int), and a
	 * {@code PythonSession.call(type, ...)} can ask for it: numbers, {@code Boolean}, {@code String} and
	 * {@code byte[]}.
	 * @param type the class
	 * @return whether the engine converts to it
	 */
	static boolean isEngineTarget(Class<?> type) {
		return (isScalar(type) && type != void.class) || type == byte[].class;
	}

	private static boolean isScalar(Class<?> type) {
		return type.isPrimitive() || type == String.class || type == Boolean.class || type == Long.class
				|| type == Integer.class || type == Short.class || type == Byte.class || type == Double.class
				|| type == Float.class || type == BigInteger.class;
	}

	/**
	 * A Java value as the engine can convert it to Python.
	 * @param value an argument
	 * @return the value, or its JSON form
	 */
	@Nullable Object toPython(@Nullable Object value) {
		if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
				|| value instanceof Integer || value instanceof Double || value instanceof Short
				|| value instanceof Byte || value instanceof Float || value instanceof BigInteger
				|| (value.getClass().isArray() && value.getClass().getComponentType().isPrimitive())) {
			return value;
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toString();
		}
		if (value instanceof Optional<?> optional) {
			return toPython(optional.orElse(null));
		}
		if (value instanceof Collection<?> collection) {
			return toPython(collection);
		}
		if (value instanceof Map<?, ?> map) {
			return toPython(map);
		}
		if (value instanceof Object[] array) {
			return toPython(Arrays.asList(array));
		}
		return fromTree(this.mapper.valueToTree(value));
	}

	private Object toPython(Collection<?> collection) {
		List<@Nullable Object> items = new ArrayList<>(collection.size());
		boolean changed = false;
		for (Object item : collection) {
			Object converted = toPython(item);
			changed |= converted != item;
			items.add(converted);
		}
		// A set of records would become a set of dicts, which Python cannot hash: a list, as in JSON.
		return (changed || !(collection instanceof List || collection instanceof Set)) ? items : collection;
	}

	private Object toPython(Map<?, ?> map) {
		Map<@Nullable Object, @Nullable Object> entries = new LinkedHashMap<>();
		boolean changed = false;
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			Object key = toPython(entry.getKey());
			Object value = toPython(entry.getValue());
			changed |= key != entry.getKey() || value != entry.getValue();
			entries.put(key, value);
		}
		return changed ? entries : map;
	}

	private @Nullable Object fromTree(JsonNode node) {
		return switch (node.getNodeType()) {
			case OBJECT -> {
				Map<String, @Nullable Object> map = new LinkedHashMap<>();
				node.properties().forEach((property) -> map.put(property.getKey(), fromTree(property.getValue())));
				yield map;
			}
			case ARRAY -> {
				List<@Nullable Object> list = new ArrayList<>(node.size());
				node.values().forEach((item) -> list.add(fromTree(item)));
				yield list;
			}
			case STRING -> node.stringValue();
			case NUMBER -> number(node);
			case BOOLEAN -> node.booleanValue();
			case BINARY -> node.binaryValue();
			case POJO -> toPython(((POJONode) node).getPojo());
			case NULL, MISSING -> null;
		};
	}

	private static Object number(JsonNode node) {
		if (node.isIntegralNumber()) {
			return node.isBigInteger() ? node.bigIntegerValue() : (Object) node.longValue();
		}
		return node.isBigDecimal() ? node.decimalValue().toString() : (Object) node.doubleValue();
	}

	/**
	 * A value the engine returned, as the declared type.
	 * @param value the engine's value ({@code Long}, {@code String}, {@code Map}, ...)
	 * @param type the declared type
	 * @param context what produced it, for the message: {@code Pricing.quote: pricing.quote returned}
	 * @return the value converted
	 * @throws PythonConversionException naming the context, the Python type and the Java type when it does not fit
	 */
	@Nullable Object toJava(@Nullable Object value, JavaType type, String context) {
		Class<?> raw = type.getRawClass();
		if (raw == Object.class) {
			return value;
		}
		if (value == null) {
			if (raw.isPrimitive()) {
				throw mismatch(context, value, type, null);
			}
			return null;
		}
		if (isScalar(raw) && !sameKind(value, raw)) {
			throw mismatch(context, value, type, null);
		}
		try {
			return this.mapper.convertValue(value, type);
		}
		catch (IllegalArgumentException | JacksonException ex) {
			throw mismatch(context, value, type, ex);
		}
	}

	private static boolean sameKind(Object value, Class<?> type) {
		if (type == String.class) {
			return value instanceof String;
		}
		if (type == boolean.class || type == Boolean.class) {
			return value instanceof Boolean;
		}
		boolean integer = value instanceof Long || value instanceof BigInteger;
		if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
			return integer || value instanceof Double;
		}
		return integer;
	}

	private static PythonConversionException mismatch(String context, @Nullable Object value, JavaType type,
			@Nullable Exception cause) {
		String detail = (cause != null && cause.getMessage() != null) ? ": " + cause.getMessage().lines().findFirst()
			.orElse("") : "";
		PythonConversionException ex = new PythonConversionException(context + " Python " + pythonType(value)
				+ " where " + type.toCanonical() + " was expected" + detail);
		if (cause != null) {
			ex.initCause(cause);
		}
		return ex;
	}

	/**
	 * The Python type a value the engine returned came from.
	 * @param value the value
	 * @return {@code None}, {@code int}, {@code str}, {@code dict}, ...
	 */
	static String pythonType(@Nullable Object value) {
		if (value == null) {
			return "None";
		}
		String scalar = PYTHON_SCALARS.get(value.getClass());
		if (scalar != null) {
			return scalar;
		}
		return (value instanceof List) ? "list"
				: (value instanceof Map) ? "dict" : (value instanceof Set) ? "set" : value.getClass().getSimpleName();
	}

}
