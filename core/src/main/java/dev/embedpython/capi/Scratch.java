package dev.embedpython.capi;

import java.nio.charset.StandardCharsets;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * Per-thread native memory for C out-parameters ({@code Py_ssize_t *}, {@code PyObject **}): passing an address
 * as {@code long} avoids the binding copying a Java array in and out on every call. Reads and writes go through the
 * binding ({@link CApi#getLong}: a plain load with FFM, a JNI call with JNA); the memory itself is JNA's, freed when
 * the thread's instance is collected. One slot of three words per nesting
 * level (a dict iteration inside a dict iteration keeps its own position), one word for sizes, and room for the
 * argument vector of a call.
 * <p>
 * Thread contract: each thread uses only its own instance ({@link #get()}); a slot is valid until the same
 * thread reuses it. A callback from C runs on an instance of its own ({@link #enter()}), one per nesting depth.
 */
public final class Scratch {

	/** Nesting levels with their own slot; deeper levels fall back to fresh memory. */
	public static final int LEVELS = 64;

	private static final int SLOT_BYTES = 24;

	private static final int ARGUMENT_SLOTS = 16;

	private static final long ARGUMENTS_OFFSET = (long) SLOT_BYTES * LEVELS + 8;

	/** The largest Java array the JVM reliably allocates. */
	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(() -> new Scratch(null));

	private final Memory memory = new Memory(ARGUMENTS_OFFSET + 8L * ARGUMENT_SLOTS);

	private final long base = Pointer.nativeValue(this.memory);

	/** Keeps a vector longer than the fixed slots alive until the next one replaces it. */
	private @Nullable Memory overflow;

	/** The instance of the Java frame below a callback from C, {@code null} at the bottom. */
	private final @Nullable Scratch outer;

	/** The instance of callbacks from C above this one, made on first use and kept for the thread's life. */
	private @Nullable Scratch inner;

	private Scratch(@Nullable Scratch outer) {
		this.outer = outer;
	}

	/**
	 * The calling thread's scratch memory.
	 * @return the instance
	 */
	public static Scratch get() {
		return CURRENT.get();
	}

	/**
	 * Switch the calling thread to scratch memory of its own for a callback from C (a Java method that Python
	 * called), until {@link #exit()}: the Java frame below the callback may be in the middle of a call or a
	 * conversion whose out-parameters and argument vector live in the current instance, and the callback may run
	 * Python and convert values again.
	 */
	public static void enter() {
		Scratch current = CURRENT.get();
		Scratch inner = current.inner;
		if (inner == null) {
			inner = new Scratch(current);
			current.inner = inner;
		}
		CURRENT.set(inner);
	}

	/**
	 * Switch back to the instance of the frame below the callback that {@link #enter()} started.
	 */
	public static void exit() {
		Scratch outer = CURRENT.get().outer;
		if (outer != null) {
			CURRENT.set(outer);
		}
	}

	/**
	 * Address of the size word.
	 * @return the address
	 */
	public long size() {
		return this.base + (long) SLOT_BYTES * LEVELS;
	}

	/**
	 * Read the size word.
	 * @return its value
	 */
	private long readSize() {
		return CPython.api().getLong(size());
	}

	/**
	 * Address of word {@code index} (0-2) of the slot of a nesting level.
	 * @param level the level, below {@link #LEVELS}
	 * @param index the word
	 * @return the address
	 */
	public long slot(int level, int index) {
		return this.base + (long) SLOT_BYTES * level + 8L * index;
	}

	/**
	 * Read word {@code index} of a level's slot.
	 * @param level the level
	 * @param index the word
	 * @return its value
	 */
	public long read(int level, int index) {
		return CPython.api().getLong(slot(level, index));
	}

	/**
	 * Set word {@code index} of a level's slot.
	 * @param level the level
	 * @param index the word
	 * @param value the value
	 */
	public void write(int level, int index, long value) {
		CPython.api().putLong(slot(level, index), value);
	}

	/**
	 * Copy a call's arguments into native memory, in one write, for {@code PyObject_Vectorcall}.
	 * @param args the argument pointers
	 * @return the address of the vector (valid until this thread's next call)
	 */
	public long arguments(long[] args) {
		if (args.length > ARGUMENT_SLOTS) {
			Memory vector = new Memory(8L * args.length);
			this.overflow = vector;
			CPython.api().putLongs(Pointer.nativeValue(vector), args, args.length);
			return Pointer.nativeValue(vector);
		}
		CPython.api().putLongs(this.base + ARGUMENTS_OFFSET, args, args.length);
		return this.base + ARGUMENTS_OFFSET;
	}

	/**
	 * Read a {@code str} exactly, lone surrogates included ({@code surrogatepass} semantics: code point U+D800 becomes
	 * the Java {@code char} U+D800). Normal text goes through its cached UTF-8 form ({@code PyUnicode_AsUTF8AndSize});
	 * text with a lone surrogate has none ({@code UnicodeEncodeError}), so its code points are copied instead
	 * ({@code PyUnicode_AsUCS4}), which runs no codec and no Python code.
	 * @param object the str (or str subclass)
	 * @return the text, or {@code null} with a Python exception set
	 * @throws IllegalArgumentException if the text is too long for a Java string
	 */
	public @Nullable String string(long object) {
		long data = CPython.PyUnicode_AsUTF8AndSize(object, size());
		if (data != 0) {
			long length = readSize();
			return (length == 0) ? "" : new String(CPython.read(data, checkedLength(length)), StandardCharsets.UTF_8);
		}
		CPython.PyErr_Clear();
		long length = CPython.PyUnicode_GetLength(object);
		if (length < 0) {
			return null;
		}
		int[] codePoints = new int[checkedLength(length)];
		if (length > 0 && CPython.PyUnicode_AsUCS4(object, codePoints, length, 0) == 0) {
			return null;
		}
		return new String(codePoints, 0, codePoints.length);
	}

	private static int checkedLength(long length) {
		if (length > MAX_ARRAY) {
			throw new IllegalArgumentException("Python str of " + length + " code units is too long for Java");
		}
		return (int) length;
	}

}
