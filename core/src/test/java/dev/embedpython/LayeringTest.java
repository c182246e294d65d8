package dev.embedpython;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine reads top to bottom: {@code capi} is the binding and knows nothing above it, {@code convert} turns
 * values over it, {@code interpreter} is the only user of both, {@code pool} only lends interpreters, and
 * {@code runtime} finds, loads and starts CPython. These rules fail the build when a dependency points the wrong
 * way.
 */
class LayeringTest {

	private static final String ROOT = "dev.embedpython";

	private static final String CAPI = "dev.embedpython.capi..";

	private static final String CONVERT = "dev.embedpython.convert..";

	private static final String INTERPRETER = "dev.embedpython.interpreter..";

	private static final String POOL = "dev.embedpython.pool..";

	private static final String RUNTIME = "dev.embedpython.runtime..";

	private static final String SUPPORT = "dev.embedpython.support..";

	private static JavaClasses core;

	@BeforeAll
	static void importCore() {
		core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(ROOT);
	}

	@Test
	void capiDependsOnNothingElseOfTheEngine() {
		noClasses().that().resideInAPackage(CAPI).should().dependOnClassesThat(
				resideInAPackage(ROOT + "..").and(not(resideInAPackage(CAPI))))
			.check(core);
	}

	@Test
	void convertDependsOnlyOnCapiAndThePublicExceptions() {
		noClasses().that().resideInAPackage(CONVERT).should().dependOnClassesThat(
				resideInAPackage(ROOT + "..").and(not(resideInAnyPackage(CAPI, CONVERT)))
					.and(not(resideInAPackage(ROOT).and(assignableTo(RuntimeException.class)))))
			.check(core);
	}

	@Test
	void onlyTheInterpreterLayerConverts() {
		noClasses().that().resideOutsideOfPackages(CONVERT, INTERPRETER).should().dependOnClassesThat()
			.resideInAPackage(CONVERT)
			.check(core);
	}

	@Test
	void interpreterDoesNotKnowThePool() {
		noClasses().that().resideInAPackage(INTERPRETER).should().dependOnClassesThat().resideInAPackage(POOL)
			.check(core);
	}

	@Test
	void poolUsesNeitherTheBindingNorTheConverterNorTheRuntime() {
		noClasses().that().resideInAPackage(POOL).should().dependOnClassesThat()
			.resideInAnyPackage(CAPI, CONVERT, RUNTIME)
			.check(core);
	}

	@Test
	void runtimeStaysBelowTheInterpreters() {
		noClasses().that().resideInAPackage(RUNTIME).should().dependOnClassesThat()
			.resideInAnyPackage(CONVERT, INTERPRETER, POOL)
			.check(core);
	}

	@Test
	void supportDependsOnNothingElseOfTheEngine() {
		noClasses().that().resideInAPackage(SUPPORT).should().dependOnClassesThat(
				resideInAPackage(ROOT + "..").and(not(resideInAPackage(SUPPORT))))
			.check(core);
	}

	@Test
	void coreDoesNotDependOnSpring() {
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(core);
	}

	@Test
	void enginePackagesAreFreeOfCycles() {
		slices().matching("dev.embedpython.(*)..").should().beFreeOfCycles().check(core);
	}

}
