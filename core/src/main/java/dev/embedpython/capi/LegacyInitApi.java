package dev.embedpython.capi;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The CPython 3.13 initialization path that needs no {@code PyConfig} field offsets: the (deprecated, still
 * exported) global setters, then an isolated {@code PyConfig} in an oversized opaque buffer.
 * <p>
 * Thread contract: called only on the runtime's owner thread ({@code python-main}) before initialization.
 */
public final class LegacyInitApi {

	/** Bytes reserved for a {@code PyConfig}; the real struct is well under 1 KiB in 3.13. */
	public static final int CONFIG_BUFFER_SIZE = 4096;

	private static volatile boolean bound;

	private LegacyInitApi() {
	}

	/**
	 * Register the natives of this class against a loaded libpython.
	 * @param library the loaded library
	 */
	public static synchronized void bind(NativeLibrary library) {
		if (!bound) {
			Native.register(LegacyInitApi.class, library);
			bound = true;
		}
	}

	public static native void Py_SetProgramName(Pointer name);

	public static native void Py_SetPythonHome(Pointer home);

	public static native void PyConfig_InitIsolatedConfig(Pointer config);

	public static native PyStatus.ByValue Py_InitializeFromConfig(Pointer config);

	public static native void PyConfig_Clear(Pointer config);

}
