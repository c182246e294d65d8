package dev.embedpython;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating system's view of threads (Linux {@code /proc}), to check which Java thread ran a Python call:
 * Python's {@code threading.get_native_id()} is the kernel thread id, and the JVM names each platform thread's
 * kernel thread after the Java thread (the first 15 characters).
 */
public final class NativeThreads {

	private NativeThreads() {
	}

	/**
	 * The kernel thread id of the calling thread (of its carrier, for a virtual thread).
	 * @return the id, as Python's {@code threading.get_native_id()} gives it
	 */
	public static long currentId() {
		try {
			// /proc/thread-self links to /proc/<pid>/task/<tid>
			return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The kernel's name of a thread of this process.
	 * @param nativeId its kernel thread id
	 * @return the name, at most 15 characters of the Java thread's name
	 */
	public static String name(long nativeId) {
		try {
			return Files.readString(Path.of("/proc/self/task/" + nativeId + "/comm")).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A Python expression: the kernel's name of the thread that evaluates it.
	 */
	public static final String PYTHON_THREAD_NAME = "open('/proc/thread-self/comm').read().strip()";

}
