package dev.embedpython.runtime;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.RuntimeOptions;

/**
 * The other JVM of the cache tests, driven over its standard input and output:
 * <ul>
 * <li>{@code lock <file>}: holds the extraction lock as an extracting process would (its pid written into the
 * file), prints {@code locked}, and holds it until its input ends;</li>
 * <li>{@code runtime <cache-dir>}: starts the bundled runtime from that cache, prints {@code ready <home>}, then for
 * each input line {@code import <module>} imports it in the main interpreter and prints {@code ok} or
 * {@code error <message>}; ends with its input.</li>
 * </ul>
 */
public final class CacheChild {

	private CacheChild() {
	}

	public static void main(String[] args) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		if (args[0].equals("lock")) {
			try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since test\n")
					.getBytes(StandardCharsets.US_ASCII)), 0);
				System.out.println("locked");
				System.out.flush();
				while (in.readLine() != null) {
					// hold the lock until the parent closes our input
				}
			}
			return;
		}
		try (PythonRuntime runtime = PythonRuntime
			.start(RuntimeOptions.builder().cacheDir(Path.of(args[1])).build())) {
			System.out.println("ready " + runtime.home());
			System.out.flush();
			PythonPool main = runtime.mainInterpreter();
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				String module = line.substring("import ".length());
				try {
					main.execute((session) -> {
						session.exec("import " + module);
						return null;
					});
					System.out.println("ok");
				}
				catch (RuntimeException ex) {
					System.out.println("error " + ex.getMessage().lines().findFirst().orElse(""));
				}
				System.out.flush();
			}
		}
	}

}
