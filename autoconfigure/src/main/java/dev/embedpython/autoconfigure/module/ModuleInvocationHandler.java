package dev.embedpython.autoconfigure.module;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.embedpython.PythonPool;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The proxy behind a {@link PythonModule} interface: abstract methods call their {@link ModuleMethod}, default
 * methods run as Java code, and {@code equals}, {@code hashCode} and {@code toString} are those of an object that
 * is only equal to itself.
 * <p>
 * Thread contract: immutable, thread-safe.
 */
final class ModuleInvocationHandler implements InvocationHandler {

	private final Class<?> type;

	private final String module;

	private final PythonPool pool;

	private final Map<Method, ModuleMethod> methods;

	private ModuleInvocationHandler(Class<?> type, String module, PythonPool pool, Map<Method, ModuleMethod> methods) {
		this.type = type;
		this.module = module;
		this.pool = pool;
		this.methods = methods;
	}

	/**
	 * Describe every abstract method of an interface.
	 * @param type the interface
	 * @param module the module its methods call
	 * @param pool the pool the calls borrow from
	 * @param values the conversions
	 * @param batchSize items fetched at once by streams and iterators
	 * @return the handler
	 * @throws PythonModuleValidationException if a method cannot be served (a return type, a keyword)
	 */
	static ModuleInvocationHandler of(Class<?> type, String module, PythonPool pool, JsonValues values,
			int batchSize) {
		List<Problem> problems = new ArrayList<>();
		Map<Method, ModuleMethod> methods = new LinkedHashMap<>();
		Method[] candidates = type.getMethods();
		// Problems come in a stable order, whatever order reflection answers in.
		Arrays.sort(candidates, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
		for (Method method : candidates) {
			if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || isObjectMethod(method)) {
				continue;
			}
			ModuleMethod described = ModuleMethod.of(type, method, module, values, batchSize, problems);
			if (described != null) {
				methods.put(method, described);
			}
		}
		if (!problems.isEmpty()) {
			throw new PythonModuleValidationException(type, problems);
		}
		return new ModuleInvocationHandler(type, module, pool, methods);
	}

	/**
	 * Check in one interpreter of the pool that the module imports and that every method's function exists, is
	 * callable and accepts the method's arguments. The check is set-up work, bounded like the pool's preloads by its
	 * creation timeout rather than by the call timeout of requests: importing the module for the first time may
	 * rightly take longer than a request may.
	 * @throws PythonModuleValidationException naming each method whose function is missing or does not fit
	 * @throws dev.embedpython.PythonTimeoutException if the check ran past the pool's creation timeout
	 */
	void validate() {
		List<ModuleMethod> described = List.copyOf(this.methods.values());
		List<List<Object>> signatures = described.stream().map(ModuleMethod::signature).toList();
		List<?> answer = this.pool
			.executeSetUp((session) -> ModuleBridge.validate(session, this.module, signatures));
		List<Problem> problems = new ArrayList<>();
		if (answer.get(0) instanceof String moduleProblem) {
			problems.add(new Problem(Kind.MODULE, this.type.getSimpleName(), "module '" + this.module + "' of pool '"
					+ this.pool.name() + "' cannot be imported: " + moduleProblem));
		}
		List<?> functionProblems = (List<?>) answer.get(1);
		for (int i = 0; i < described.size(); i++) {
			if (functionProblems.get(i) instanceof List<?> problem) {
				Kind kind = "signature".equals(problem.get(0)) ? Kind.SIGNATURE : Kind.FUNCTION;
				problems.add(new Problem(kind, described.get(i).label(), (String) problem.get(1)));
			}
		}
		if (!problems.isEmpty()) {
			throw new PythonModuleValidationException(this.type, problems);
		}
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
			throws Throwable {
		ModuleMethod described = this.methods.get(method);
		if (described != null) {
			return described.invoke(this.pool, args);
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, args);
		}
		return switch (method.getName()) {
			case "equals" -> args != null && proxy == args[0];
			case "hashCode" -> System.identityHashCode(proxy);
			case "toString" -> toString();
			default -> throw new IllegalStateException("Unexpected method " + method);
		};
	}

	private static boolean isObjectMethod(Method method) {
		return switch (method.getName()) {
			case "equals" -> method.getParameterCount() == 1 && method.getParameterTypes()[0] == Object.class;
			case "hashCode", "toString" -> method.getParameterCount() == 0;
			default -> false;
		};
	}

	@Override
	public String toString() {
		return "@PythonModule " + this.type.getName() + " (module '" + this.module + "', pool '" + this.pool.name()
				+ "')";
	}

}
