package dev.embedpython.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Matches when {@code python.dev.reload} is {@code true}, or when it is unset and {@code spring-boot-devtools} is on
 * the class path (a development run).
 * <p>
 * Thread contract: stateless.
 */
class OnPythonReloadCondition extends SpringBootCondition {

	static final String PROPERTY = "python.dev.reload";

	static final String DEVTOOLS_CLASS = "org.springframework.boot.devtools.restart.Restarter";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String value = context.getEnvironment().getProperty(PROPERTY);
		if (value != null && !value.isBlank()) {
			return Boolean.parseBoolean(value.strip()) ? ConditionOutcome.match(PROPERTY + " is true")
					: ConditionOutcome.noMatch(PROPERTY + " is " + value.strip());
		}
		if (ClassUtils.isPresent(DEVTOOLS_CLASS, context.getClassLoader())) {
			return ConditionOutcome.match(PROPERTY + " is unset and spring-boot-devtools is on the class path");
		}
		return ConditionOutcome.noMatch(PROPERTY + " is unset and spring-boot-devtools is not on the class path");
	}

}
