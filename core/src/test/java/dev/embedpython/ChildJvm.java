package dev.embedpython;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs a {@code main} class of the test class path in a child JVM, so a scenario that could crash or hang the JVM
 * fails one test instead of the build: the child is killed at a deadline, its output is captured, and crash logs
 * ({@code hs_err_pid*.log}) go to the build directory, never the repository.
 */
public final class ChildJvm {

	private ChildJvm() {
	}

	/**
	 * What a child printed and how it ended.
	 * @param exitCode the exit code, or -1 if it was killed at the deadline
	 * @param output standard output and error, interleaved
	 * @param elapsed how long it ran
	 */
	public record Result(int exitCode, String output, Duration elapsed) {

		/**
		 * Fail unless the child exited 0 within its deadline, without a fatal error from CPython or the JVM.
		 * @return this result
		 */
		public Result assertClean() {
			if (this.exitCode != 0 || this.output.contains("Fatal Python error") || this.output.contains("SIGSEGV")
					|| this.output.contains("free(): invalid")) {
				fail("Child JVM " + ((this.exitCode == -1) ? "hung and was killed" : "exited " + this.exitCode)
						+ " after " + this.elapsed.toMillis() + " ms:\n" + tail(this.output));
			}
			return this;
		}

		private static String tail(String text) {
			return (text.length() > 8000) ? "...\n" + text.substring(text.length() - 8000) : text;
		}

	}

	/**
	 * Run {@code mainClass} with the current test class path and system properties of the test runtime.
	 * @param mainClass the class with a {@code main} method
	 * @param timeout the deadline after which the child is killed
	 * @param args the program arguments
	 * @return the result
	 */
	public static Result run(Class<?> mainClass, Duration timeout, String... args) {
		return run(mainClass, timeout, List.of(), args);
	}

	/**
	 * Run {@code mainClass} with extra JVM options.
	 * @param mainClass the class with a {@code main} method
	 * @param timeout the deadline after which the child is killed
	 * @param jvmOptions extra JVM options
	 * @param args the program arguments
	 * @return the result
	 */
	public static Result run(Class<?> mainClass, Duration timeout, List<String> jvmOptions, String... args) {
		return runWithClassPath(mainClass, timeout, jvmOptions, System.getProperty("java.class.path"), args);
	}

	/**
	 * Run {@code mainClass} with extra JVM options and a class path of its own.
	 * @param mainClass the class with a {@code main} method
	 * @param timeout the deadline after which the child is killed
	 * @param jvmOptions extra JVM options
	 * @param classPath the class path
	 * @param args the program arguments
	 * @return the result
	 */
	public static Result runWithClassPath(Class<?> mainClass, Duration timeout, List<String> jvmOptions,
			String classPath, String... args) {
		Path target = Path.of("target").toAbsolutePath();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xss2m");
		command.add("-XX:ErrorFile=" + target.resolve("hs_err_pid%p.log"));
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		for (String property : List.of("embedpython.test.cache", "embedpython.test.home", "embedpython.test.home313",
				Binding.SYSTEM_PROPERTY)) {
			String value = System.getProperty(property);
			if (value != null) {
				command.add("-D" + property + "=" + value);
			}
		}
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(mainClass.getName());
		command.addAll(List.of(args));
		long start = System.nanoTime();
		try {
			Path log = Files.createTempFile("child-jvm", ".log");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
				boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
				if (!exited) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
				String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
				return new Result(exited ? process.exitValue() : -1, output,
						Duration.ofNanos(System.nanoTime() - start));
			}
			finally {
				Files.deleteIfExists(log);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run a child JVM: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a child JVM", ex);
		}
	}

}
