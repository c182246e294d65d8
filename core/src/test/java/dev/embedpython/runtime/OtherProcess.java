package dev.embedpython.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running {@link CacheChild}, with every wait bounded: a line of its output, its exit.
 */
final class OtherProcess implements AutoCloseable {

	private static final long WAIT_SECONDS = 120;

	private final Process process;

	private final BufferedReader out;

	private final Writer in;

	private final Path errors;

	private OtherProcess(Process process, Path errors) {
		this.process = process;
		this.errors = errors;
		this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		this.in = process.outputWriter(StandardCharsets.UTF_8);
	}

	static OtherProcess start(Path work, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			if (argument.startsWith("--enable-native-access") || argument.startsWith("-Xss")) {
				command.add(argument);
			}
		}
		command.add("-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"));
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(CacheChild.class.getName());
		command.addAll(List.of(args));
		Path errors = Files.createTempFile(work, "child-", ".err");
		Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
		return new OtherProcess(process, errors);
	}

	long pid() {
		return this.process.pid();
	}

	/** The next line of its output, waiting at most two minutes. */
	String readLine() throws Exception {
		String line = CompletableFuture.supplyAsync(() -> {
			try {
				return this.out.readLine();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(WAIT_SECONDS, TimeUnit.SECONDS);
		if (line == null) {
			throw new IllegalStateException("The other JVM ended its output; its errors:\n" + errors());
		}
		return line;
	}

	void send(String line) throws IOException {
		this.in.write(line + "\n");
		this.in.flush();
	}

	String errors() throws IOException {
		return Files.readString(this.errors);
	}

	/** End its input and wait (bounded) for it to exit. */
	int finish() throws Exception {
		this.in.close();
		if (!this.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			throw new IllegalStateException("The other JVM did not exit within " + WAIT_SECONDS + " s");
		}
		return this.process.exitValue();
	}

	@Override
	public void close() throws Exception {
		if (this.process.isAlive()) {
			this.process.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
		}
	}

}
