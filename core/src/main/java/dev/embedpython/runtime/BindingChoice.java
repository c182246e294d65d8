package dev.embedpython.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.embedpython.Binding;
import dev.embedpython.PythonBindingException;
import dev.embedpython.capi.CPython;
import org.jspecify.annotations.Nullable;

/**
 * Which binding calls libpython in this JVM: the policy over {@link CPython#bindFfm}/{@link CPython#bindJna}.
 * {@link Binding#AUTO} lets the system property {@value Binding#SYSTEM_PROPERTY} decide when set, else FFM on JDK
 * {@value CPython#FFM_RELEASE}+ when this build has the FFM classes, else JNA. The first runtime of the JVM fixes the
 * binding; later requests are checked against it.
 * <p>
 * Thread contract: thread-safe (class lock); {@link #current()} may be read from any thread.
 */
public final class BindingChoice {

	private static final Logger logger = System.getLogger(BindingChoice.class.getName());

	private static final String OPTION = "RuntimeOptions.binding (python.binding)";

	private static volatile @Nullable Binding current;

	private BindingChoice() {
	}

	/**
	 * Bind libpython as requested, or check the request against the binding already fixed in this JVM.
	 * @param library the loaded libpython
	 * @param requested what the runtime's options ask for
	 * @return the binding in use
	 * @throws PythonBindingException if FFM is asked for where it cannot run, the system property is invalid, or a
	 * binding other than the one already fixed is asked for
	 * @throws UnsatisfiedLinkError if libpython lacks a function
	 */
	static synchronized Binding bind(NativeLibrary library, Binding requested) {
		Binding fixed = current;
		if (fixed != null) {
			check(fixed, requested);
			return fixed;
		}
		String source = OPTION;
		Binding wanted = requested;
		String property = System.getProperty(Binding.SYSTEM_PROPERTY, "");
		if (requested == Binding.AUTO && !property.isBlank()) {
			try {
				wanted = Binding.parse(Binding.SYSTEM_PROPERTY, property);
			}
			catch (IllegalArgumentException ex) {
				throw new PythonBindingException(ex.getMessage());
			}
			source = "-D" + Binding.SYSTEM_PROPERTY;
		}
		String why;
		boolean ffm = false;
		if (wanted == Binding.JNA) {
			why = "forced by " + source;
		}
		else if (Runtime.version().feature() < CPython.FFM_RELEASE) {
			if (wanted == Binding.FFM) {
				throw new PythonBindingException("The FFM binding (" + source + " = ffm) needs JDK "
						+ CPython.FFM_RELEASE + " or newer (java.lang.foreign); this JVM is Java " + Runtime.version()
						+ ". Set it to auto or jna, or run on JDK " + CPython.FFM_RELEASE + "+.");
			}
			why = "java.lang.foreign needs JDK " + CPython.FFM_RELEASE + "+";
		}
		else {
			ffm = CPython.bindFfm(library);
			if (!ffm && wanted == Binding.FFM) {
				throw new PythonBindingException("The FFM binding (" + source + " = ffm) is not in this "
						+ "embedpython-core: it has no META-INF/versions/" + CPython.FFM_RELEASE + " classes (built on "
						+ "a JDK older than " + CPython.FFM_RELEASE + ", or run from a classes directory instead of the "
						+ "jar). Set it to auto or jna, or use a jar built on JDK " + CPython.FFM_RELEASE + "+.");
			}
			why = ffm ? "java.lang.foreign" : "this embedpython-core has no FFM classes: built on JDK < "
					+ CPython.FFM_RELEASE + ", or run from a classes directory";
		}
		if (!ffm) {
			CPython.bindJna(library);
		}
		Binding choice = ffm ? Binding.FFM : Binding.JNA;
		current = choice;
		String detail = ffm ? why : "JNA " + Native.VERSION + ", " + why;
		logger.log(Level.INFO, () -> "CPython binding: " + choice + " (" + detail + "; Java " + Runtime.version() + ")");
		return choice;
	}

	/**
	 * The binding fixed in this JVM.
	 * @return FFM or JNA, or {@code null} before the first runtime loaded libpython
	 */
	public static @Nullable Binding current() {
		return current;
	}

	/**
	 * Check that a runtime may start with the requested binding.
	 * @param fixed the binding of this JVM
	 * @param requested the binding a runtime's options ask for
	 * @throws PythonBindingException if they differ and the request is not {@link Binding#AUTO}
	 */
	public static void check(Binding fixed, Binding requested) {
		if (requested != Binding.AUTO && requested != fixed) {
			throw new PythonBindingException("This JVM calls CPython through the " + fixed + " binding, "
					+ "chosen when its first runtime started; the binding is process-wide, so " + requested
					+ " (RuntimeOptions.binding, python.binding) cannot be used. Set it to auto or "
					+ fixed.name().toLowerCase(Locale.ROOT) + ", or restart the JVM.");
		}
	}

}
