package dev.embedpython.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The Spring Boot module is a user of the core like any application: it uses the public API (the
 * {@code dev.embedpython} package) and none of the engine's internal packages.
 */
class PublicApiOnlyTests {

	@Test
	void autoConfigurationUsesOnlyThePublicApiOfCore() {
		JavaClasses autoconfigure = new ClassFileImporter()
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.embedpython.autoconfigure");
		noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.embedpython.capi..",
				"dev.embedpython.convert..", "dev.embedpython.interpreter..", "dev.embedpython.pool..",
				"dev.embedpython.runtime..", "dev.embedpython.support..")
			.check(autoconfigure);
	}

}
