package dev.embedpython.autoconfigure.diagnostics;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.embedpython.autoconfigure.module.PythonModuleValidationException;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PythonModuleValidationException}: a {@code @PythonModule} interface whose module does not
 * import, whose functions are missing or do not take the method's arguments, whose pool does not exist, or which
 * declares a method that cannot be called. The description lists each method with what is missing; the action says
 * how to fix each kind of problem found.
 * <p>
 * Thread contract: stateless, thread-safe.
 */
class PythonModuleValidationFailureAnalyzer extends AbstractFailureAnalyzer<PythonModuleValidationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PythonModuleValidationException cause) {
		StringBuilder description = new StringBuilder("The @PythonModule interface " + cause.interfaceName()
				+ " cannot be used:");
		Set<Kind> kinds = EnumSet.noneOf(Kind.class);
		for (Problem problem : cause.problems()) {
			description.append(System.lineSeparator()).append("    - ").append(problem);
			kinds.add(problem.kind());
		}
		List<String> actions = new ArrayList<>();
		for (Kind kind : kinds) {
			actions.add(switch (kind) {
				case MODULE -> "Make the module importable: put it in a directory listed in 'python.path' (for "
						+ "example classpath:python/ for src/main/resources/python/) and fix the error its import "
						+ "raised, or correct the name in @PythonModule.";
				case FUNCTION -> "Define the function in the module, or map the method to the function's name with "
						+ "@PythonFunction(\"name\").";
				case SIGNATURE -> "Make the method's parameters match the function's: parameters are passed "
						+ "positionally in order, those annotated @Kw(\"name\") by keyword.";
				case POOL -> "Configure the pool under 'python.pools.<name>', or use @PythonModule(pool = "
						+ "\"default\") for the pool configured under 'python.pool'.";
				case DEFINITION -> "Change the method as the message says: a method returns a value, Optional<T>, "
						+ "void, or Stream<T>/Iterator<T>/PythonIterator<T> for items fetched lazily.";
				case MAPPER -> "Add Jackson 3 to the application (tools.jackson.core:jackson-databind, which "
						+ "spring-boot-starter-json and spring-boot-starter-webmvc bring), or remove @PythonModule.";
			});
		}
		actions.add("To start without these checks, set 'python.modules.validate' to false; calls then fail "
				+ "when they are made.");
		return new FailureAnalysis(description.toString(), String.join(System.lineSeparator(), actions), cause);
	}

}
