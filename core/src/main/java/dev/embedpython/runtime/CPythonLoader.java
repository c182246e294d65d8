package dev.embedpython.runtime;

import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.embedpython.Binding;
import dev.embedpython.PythonExtractionException;
import dev.embedpython.PythonInitializationException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.InitConfigApi;
import dev.embedpython.capi.LegacyInitApi;
import dev.embedpython.capi.PyStatus;
import dev.embedpython.capi.PythonErrors;
import org.jspecify.annotations.Nullable;

/**
 * Loads libpython into the process (once per JVM, {@code RTLD_GLOBAL} so extension modules resolve against it)
 * and initializes CPython from an isolated configuration: PEP 741 {@code PyInitConfig} on 3.14+, {@code PyConfig}
 * on 3.13; signal handlers stay the JVM's, {@code PYTHON*} variables and the user site are ignored.
 * <p>
 * Thread contract: {@link #load} from any thread (serialized); {@link #initialize} only on {@code python-main}
 * ({@link OwnerThread}), which holds the main interpreter's GIL afterwards.
 */
public final class CPythonLoader {

	private static final int RTLD_LAZY = 0x1;

	private static final int RTLD_GLOBAL = 0x100;

	private static final Object LOAD_LOCK = new Object();

	private static @Nullable NativeLibrary library;

	private static @Nullable Path libraryPath;

	/** Wide strings handed to the 3.13 global setters must outlive initialization. */
	private static final List<Memory> LEGACY_STRINGS = new ArrayList<>();

	private CPythonLoader() {
	}

	/**
	 * Load libpython (and the bundled libffi beside it) and bind the C API to it; a second call with the same
	 * library returns it again.
	 * @param home the installation
	 * @param binding how to call it (process-wide: fixed by the first load in the JVM, checked by later ones)
	 * @return the loaded library
	 * @throws PythonInitializationException if another libpython is loaded already or loading fails
	 * @throws PythonExtractionException if the library's filesystem forbids mapping it executable
	 */
	public static NativeLibrary load(PythonHome home, Binding binding) {
		synchronized (LOAD_LOCK) {
			if (library != null) {
				if (!home.library().equals(libraryPath)) {
					throw new PythonInitializationException("This JVM has already loaded CPython from '" + libraryPath
							+ "'; one JVM can host only one libpython, so '" + home.library()
							+ "' cannot be used. Restart the JVM to switch Python installations.", null);
				}
				BindingChoice.bind(library, binding);
				return library;
			}
			Map<String, Object> options = new HashMap<>();
			options.put(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL);
			options.put(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());
			try {
				if (home.libffi() != null) {
					// _ctypes' rpath does not look beside libpython: load the bundled libffi by absolute path first.
					NativeLibrary.getInstance(home.libffi().toString(), options);
				}
				NativeLibrary lib = NativeLibrary.getInstance(home.library().toString(), options);
				BindingChoice.bind(lib, binding);
				if (home.versionNumber() >= 314) {
					InitConfigApi.bind(lib);
				}
				else {
					LegacyInitApi.bind(lib);
				}
				library = lib;
				libraryPath = home.library();
				return lib;
			}
			catch (UnsatisfiedLinkError ex) {
				String message = String.valueOf(ex.getMessage());
				if (message.contains("failed to map segment") || message.contains("Operation not permitted")) {
					throw new PythonExtractionException("Cannot load '" + home.library() + "': " + message
							+ "; its directory is probably on a filesystem mounted noexec. Configure a cache directory on "
							+ "an exec-mountable filesystem.", ex);
				}
				throw new PythonInitializationException("Cannot load '" + home.library() + "': " + message, ex);
			}
		}
	}

	/**
	 * Initialize CPython. On {@code python-main}; on return it holds the GIL with the main thread state.
	 * @param home the installation, loaded by {@link #load}
	 * @throws PythonInitializationException if CPython is initialized already or refuses the configuration
	 */
	public static void initialize(PythonHome home) {
		if (CPython.Py_IsInitialized() != 0) {
			throw new PythonInitializationException("CPython is already initialized in this process by someone else",
					null);
		}
		String programName = "python" + home.minorVersion();
		if (home.versionNumber() >= 314) {
			initializeWithInitConfig(home, programName);
		}
		else {
			initializeLegacy(home, programName);
		}
	}

	/**
	 * CPython's version, e.g. {@code 3.14.3}. Any thread, once loaded.
	 * @return the version
	 */
	public static String version() {
		return new Pointer(CPython.Py_GetVersion()).getString(0, "UTF-8").split(" ", 2)[0];
	}

	private static void initializeWithInitConfig(PythonHome home, String programName) {
		long config = InitConfigApi.PyInitConfig_Create();
		if (config == 0) {
			throw new PythonInitializationException("PyInitConfig_Create failed (out of memory)", null);
		}
		try {
			setStr(config, "home", home.home().toString());
			setStr(config, "program_name", programName);
			Path executable = home.executable();
			if (executable != null) {
				// sys.executable (every interpreter copies it): subprocess and multiprocessing (spawn) start it.
				setStr(config, "executable", executable.toString());
			}
			setInt(config, "isolated", 1);
			setInt(config, "use_environment", 0);
			setInt(config, "user_site_directory", 0);
			setInt(config, "install_signal_handlers", 0);
			setInt(config, "parse_argv", 0);
			setInt(config, "utf8_mode", 1);
			if (InitConfigApi.Py_InitializeFromInitConfig(config) < 0) {
				throw new PythonInitializationException(
						"CPython " + home.minorVersion() + " failed to initialize from '" + home.home() + "': "
								+ initConfigError(config), null);
			}
		}
		finally {
			InitConfigApi.PyInitConfig_Free(config);
		}
	}

	private static void setStr(long config, String name, String value) {
		if (InitConfigApi.PyInitConfig_SetStr(config, PythonErrors.cstring(name), PythonErrors.cstring(value)) < 0) {
			throw invalid(config, name);
		}
	}

	private static void setInt(long config, String name, long value) {
		if (InitConfigApi.PyInitConfig_SetInt(config, PythonErrors.cstring(name), value) < 0) {
			throw invalid(config, name);
		}
	}

	private static PythonInitializationException invalid(long config, String name) {
		return new PythonInitializationException("Invalid init config '" + name + "': " + initConfigError(config),
				null);
	}

	private static String initConfigError(long config) {
		long[] message = new long[1];
		if (InitConfigApi.PyInitConfig_GetError(config, message) == 1 && message[0] != 0) {
			return new Pointer(message[0]).getString(0, "UTF-8");
		}
		return "unknown error";
	}

	private static void initializeLegacy(PythonHome home, String programName) {
		LegacyInitApi.Py_SetProgramName(wide(programName));
		LegacyInitApi.Py_SetPythonHome(wide(home.home().toString()));
		Memory config = new Memory(LegacyInitApi.CONFIG_BUFFER_SIZE);
		config.clear();
		// The isolated config already gives install_signal_handlers=0, isolated=1, no user site, PYTHON* ignored.
		LegacyInitApi.PyConfig_InitIsolatedConfig(config);
		try {
			PyStatus status = LegacyInitApi.Py_InitializeFromConfig(config);
			if (status.isException()) {
				throw new PythonInitializationException("CPython " + home.minorVersion() + " failed to initialize from '"
						+ home.home() + "': " + status.describe(), null);
			}
		}
		finally {
			LegacyInitApi.PyConfig_Clear(config);
		}
	}

	private static Memory wide(String text) {
		// wchar_t is UTF-32 in native byte order on Linux.
		byte[] utf32 = text.getBytes((ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)
				? Charset.forName("UTF-32LE") : Charset.forName("UTF-32BE"));
		Memory memory = new Memory(utf32.length + 4L);
		memory.clear();
		memory.write(0, utf32, 0, utf32.length);
		synchronized (LEGACY_STRINGS) {
			LEGACY_STRINGS.add(memory);
		}
		return memory;
	}

	static {
		// Fail early and clearly if JNA itself cannot load.
		Native.getDefaultStringEncoding();
	}

}
