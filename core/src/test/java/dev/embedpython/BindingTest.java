package dev.embedpython;

import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Which binding calls libpython: FFM by default on JDK 22+, JNA before or when forced by the system property or the
 * option; process-wide, so a second runtime cannot ask for the other one. The build runs this class on JDK 25 twice,
 * once with {@code -Dembedpython.binding=jna}; the start-up cases run in child JVMs, where nothing is bound yet.
 */
class BindingTest {

	private static final Duration BOUND = Duration.ofMinutes(2);

	/** Unset in a child: the case decides, not the surefire execution that runs it. */
	private static final String NO_PROPERTY = "-D" + Binding.SYSTEM_PROPERTY + "=";

	private static final boolean JDK22 = Runtime.version().feature() >= 22;

	private static PythonRuntime runtime;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
	}

	@AfterAll
	static void stop() {
		runtime.close();
	}

	@Test
	void theRuntimeReportsTheBindingThisJvmRunsOn() {
		String property = System.getProperty(Binding.SYSTEM_PROPERTY, "");
		Binding expected = property.equalsIgnoreCase("jna") || !JDK22 ? Binding.JNA : Binding.FFM;
		assertThat(runtime.binding()).isEqualTo(expected);
		Long answer = runtime.mainInterpreter().execute((s) -> s.eval("6 * 7", Long.class));
		assertThat(answer).isEqualTo(42L);
	}

	@Test
	void autoAndTheBindingInUseShareTheRunningRuntime() {
		for (Binding binding : List.of(Binding.AUTO, runtime.binding())) {
			try (PythonRuntime again = PythonRuntime.start(TestRuntimes.options().binding(binding).build())) {
				assertThat(again).isSameAs(runtime);
			}
		}
	}

	@Test
	void aStartAskingForTheOtherBindingFailsNamingTheOneInUse() {
		Binding other = (runtime.binding() == Binding.FFM) ? Binding.JNA : Binding.FFM;
		assertThatExceptionOfType(PythonBindingException.class)
			.isThrownBy(() -> PythonRuntime.start(TestRuntimes.options().binding(other).build()))
			.withMessageContaining("through the " + runtime.binding() + " binding")
			.withMessageContaining("process-wide, so " + other)
			.withMessageContaining("restart the JVM");
	}

	@Test
	void autoChoosesFfmFromJdk22AndJnaBefore() {
		assumeChildCases();
		String output = child(List.of(NO_PROPERTY), "auto");
		Binding expected = JDK22 ? Binding.FFM : Binding.JNA;
		assertThat(output).contains("CPython binding: " + expected).contains("BINDING=" + expected + " RESULT=42");
	}

	@Test
	void theSystemPropertyForcesJna() {
		assumeChildCases();
		String output = child(List.of("-D" + Binding.SYSTEM_PROPERTY + "=jna"), "auto");
		assertThat(output).contains("CPython binding: JNA (JNA ").contains("forced by -Dembedpython.binding")
			.contains("BINDING=JNA RESULT=42");
	}

	@Test
	void theOptionForcesJnaAndWinsOverTheSystemProperty() {
		assumeChildCases();
		String output = child(List.of("-D" + Binding.SYSTEM_PROPERTY + "=ffm"), "jna");
		assertThat(output).contains("forced by RuntimeOptions.binding").contains("BINDING=JNA RESULT=42");
	}

	@Test
	void anInvalidSystemPropertyNamesItsKeyAndTheValues() {
		assumeChildCases();
		String output = child(List.of("-D" + Binding.SYSTEM_PROPERTY + "=panama"), "auto");
		assertThat(output).contains("REFUSED=Invalid value 'panama' for 'embedpython.binding': use auto, ffm or jna");
	}

	@Test
	void ffmBeforeJdk22IsRefusedNamingTheJdkNeeded() {
		assumeChildCases();
		assumeThat(JDK22).as("a JDK older than 22").isFalse();
		String output = child(List.of(NO_PROPERTY), "ffm");
		assertThat(output).contains("REFUSED=The FFM binding (RuntimeOptions.binding (python.binding) = ffm) needs JDK 22")
			.contains("this JVM is Java " + Runtime.version());
	}

	@Test
	void withoutTheMultiReleaseClassesAutoUsesJnaAndFfmIsRefused() {
		assumeChildCases();
		assumeThat(JDK22).as("JDK 22+").isTrue();
		// target/classes without META-INF/versions/22 on the class path: what a jar built on JDK 17 offers.
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.replace('\\', '/').contains("META-INF/versions/"))
			.collect(Collectors.joining(File.pathSeparator));
		String auto = ChildJvm.runWithClassPath(BindingChild.class, BOUND, List.of(NO_PROPERTY), classPath, "auto")
			.assertClean()
			.output();
		assertThat(auto).contains("CPython binding: JNA").contains("has no FFM classes").contains("BINDING=JNA");
		String ffm = ChildJvm.runWithClassPath(BindingChild.class, BOUND, List.of(NO_PROPERTY), classPath, "ffm")
			.assertClean()
			.output();
		assertThat(ffm).contains("REFUSED=The FFM binding").contains("is not in this embedpython-core");
	}

	/** The start-up cases set the property themselves: the JNA execution of this class need not repeat them. */
	private static void assumeChildCases() {
		assumeThat(System.getProperty(Binding.SYSTEM_PROPERTY, "")).as("the execution without a forced binding")
			.isEmpty();
	}

	private static String child(List<String> jvmOptions, String binding) {
		return ChildJvm.run(BindingChild.class, BOUND, jvmOptions, binding).assertClean().output();
	}

}
