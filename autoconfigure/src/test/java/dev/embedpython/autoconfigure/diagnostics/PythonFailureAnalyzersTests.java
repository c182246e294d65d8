package dev.embedpython.autoconfigure.diagnostics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import dev.embedpython.PythonBindingException;
import dev.embedpython.PrivateTree;
import dev.embedpython.PythonCacheSecurityException;
import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonInitializationException;
import dev.embedpython.PythonNotFoundException;
import dev.embedpython.PythonVersionException;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for the failure analyzers of Python startup failures.
 */
class PythonFailureAnalyzersTests {

	@Test
	void analyzersShouldBeRegistered() {
		// Boot's own analyzers need constructor arguments this loader does not supply: skip those.
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			})))
			.hasAtLeastOneElementOfType(PythonBindingFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonNotFoundFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonVersionFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonExtractionFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonInitializationFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonCacheSecurityFailureAnalyzer.class)
			.hasAtLeastOneElementOfType(PythonModuleValidationFailureAnalyzer.class);
	}

	@Test
	void notFoundShouldSuggestPythonHomeOrTheBundledRuntime() {
		FailureAnalysis analysis = analyze(new PythonNotFoundFailureAnalyzer(),
				new PythonNotFoundException("No libpython3.x.so under '/opt/python'", null));
		assertThat(analysis.getDescription()).contains("No usable CPython").contains("/opt/python");
		assertThat(analysis.getAction()).contains("python.home").contains("org.bytedeco:cpython");
	}

	@Test
	void versionShouldNameTheVersionsAndSuggestAnUpgrade() {
		FailureAnalysis analysis = analyze(new PythonVersionFailureAnalyzer(),
				new PythonVersionException("'/usr' holds CPython 3.11", "3.11", "3.13+"));
		assertThat(analysis.getDescription()).contains("CPython 3.11").contains("needs 3.13+");
		assertThat(analysis.getAction()).contains("Install CPython 3.13+").contains("python.home");
	}

	@Test
	void extractionShouldSuggestAWritableExecCacheDir() {
		FailureAnalysis analysis = analyze(new PythonExtractionFailureAnalyzer(),
				new PythonExtractionException("Cannot write to '/tmp/embedpython'", null));
		assertThat(analysis.getDescription()).contains("could not be extracted").contains("/tmp/embedpython");
		assertThat(analysis.getAction()).contains("python.cache-dir").contains("writable").contains("exec");
	}

	@Test
	void cacheSecurityShouldNameThePathAndAPrivateCacheDir(@TempDir Path temp) throws Exception {
		Path shared = Files.createDirectory(temp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		PythonCacheSecurityException cause = catchThrowableOfType(PythonCacheSecurityException.class,
				() -> PrivateTree.check(shared, "Cache directory", "Make it private."));
		FailureAnalysis analysis = analyze(new PythonCacheSecurityFailureAnalyzer(), cause);
		assertThat(analysis.getDescription()).contains("not private").contains("'" + shared + "' is writable by");
		assertThat(analysis.getAction()).contains("'" + shared + "'").contains("python.cache-dir").contains("700");
		assertThat(new PythonExtractionFailureAnalyzer().analyze(cause)).as("matched on type").isNull();
	}

	@Test
	void moduleValidationShouldListTheProblemsAndTheFixForEachKind() {
		PythonModuleValidationException cause = new PythonModuleValidationException(Runnable.class, List.of(
				new Problem(Kind.MODULE, "Runnable", "module 'pricing' of pool 'default' cannot be imported: "
						+ "ModuleNotFoundError: No module named 'pricing'"),
				new Problem(Kind.FUNCTION, "Runnable.run", "module 'pricing' has no attribute 'run'")));
		FailureAnalysis analysis = analyze(new PythonModuleValidationFailureAnalyzer(), cause);
		assertThat(analysis.getDescription()).contains("The @PythonModule interface java.lang.Runnable cannot be used:")
			.contains("- Runnable: module 'pricing' of pool 'default' cannot be imported")
			.contains("- Runnable.run: module 'pricing' has no attribute 'run'");
		assertThat(analysis.getAction()).contains("python.path")
			.contains("@PythonFunction")
			.contains("python.modules.validate")
			.doesNotContain("python.pools");
	}

	@Test
	void initializationShouldQuoteCPythonAndSuggestChecks() {
		FailureAnalysis analysis = analyze(new PythonInitializationFailureAnalyzer(),
				new PythonInitializationException("Failed to import encodings module", null));
		assertThat(analysis.getDescription()).contains("CPython failed to initialize")
			.contains("Failed to import encodings module");
		assertThat(analysis.getAction()).contains("python.home").contains("encodings");
	}

	@Test
	void bindingShouldQuoteTheReasonAndSuggestAuto() {
		FailureAnalysis analysis = analyze(new PythonBindingFailureAnalyzer(),
				new PythonBindingException("The FFM binding needs JDK 22 or newer"));
		assertThat(analysis.getDescription()).contains("binding asked for").contains("needs JDK 22");
		assertThat(analysis.getAction()).contains("python.binding").contains("embedpython.binding").contains("'auto'");
		assertThat(new PythonInitializationFailureAnalyzer().analyze(analysis.getCause())).as("matched on type")
			.isNull();
	}

	@Test
	void analyzerShouldIgnoreOtherFailures() {
		assertThat(new PythonNotFoundFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	private static FailureAnalysis analyze(FailureAnalyzer analyzer, RuntimeException cause) {
		FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("pythonRuntime", "failed", cause));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(cause);
		return analysis;
	}

}
