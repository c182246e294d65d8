package dev.embedpython.capi;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * PEP 741 initialization functions ({@code PyInitConfig_*}), present from CPython 3.14. Bound only when the
 * loaded libpython is 3.14 or newer.
 * <p>
 * Thread contract: called only on the runtime's owner thread ({@code python-main}) before initialization.
 */
public final class InitConfigApi {

	private static volatile boolean bound;

	private InitConfigApi() {
	}

	/**
	 * Register the natives of this class against a loaded libpython.
	 * @param library the loaded library
	 */
	public static synchronized void bind(NativeLibrary library) {
		if (!bound) {
			Native.register(InitConfigApi.class, library);
			bound = true;
		}
	}

	public static native long PyInitConfig_Create();

	public static native void PyInitConfig_Free(long config);

	public static native int PyInitConfig_SetInt(long config, byte[] name, long value);

	public static native int PyInitConfig_SetStr(long config, byte[] name, byte[] value);

	public static native int PyInitConfig_GetError(long config, long[] message);

	public static native int Py_InitializeFromInitConfig(long config);

}
