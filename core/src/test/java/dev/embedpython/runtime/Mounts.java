package dev.embedpython.runtime;

import java.util.concurrent.TimeUnit;

/**
 * Runs {@code mount}/{@code umount} for the tests that need a real read-only or full file system (root only).
 */
final class Mounts {

	private Mounts() {
	}

	/**
	 * Run a command, waiting at most 30 s.
	 * @param command the command
	 * @return whether it exited with 0
	 */
	static boolean run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
