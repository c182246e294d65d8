package dev.embedpython.convert;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import org.jspecify.annotations.Nullable;

/**
 * Whole containers across in a constant number of native calls, through CPython's own serializer: Python to Java,
 * {@code PyMarshal_WriteObjectToString} in C, one copy of its bytes, {@link MarshalReader} in Java; Java to Python,
 * {@link MarshalWriter} in Java, one copy into native memory, {@code PyMarshal_ReadObjectFromString} in C. Marshal
 * accepts only exact built-in types, so subclasses and other objects end the attempt, and the caller converts per
 * object.
 * <p>
 * <strong>No Python code runs while marshal writes.</strong> For exact built-in objects marshal runs none, but it
 * writes any other object that exports a buffer as if it were {@code bytes}, and a class can implement
 * {@code __buffer__} in Python: code that could change a list marshal is walking (CPython's marshal then reads
 * freed memory: reproduced). While it writes, the interpreter's recursion limit is 0, so any Python function
 * raises {@code RecursionError} before its first instruction ({@code Py_SetRecursionLimit} moves every thread
 * state's remaining depth by the same amount; the old limit is restored before anything else runs). The attempt
 * then fails and the per-object path takes over. (A buffer exporter written in C runs no Python code; its bytes
 * make {@link MarshalReader} decline, since they cannot be told from {@code bytes}.)
 * <p>
 * Thread contract: call with an attached thread state of the interpreter that owns the objects; buffers are per
 * thread.
 */
final class MarshalTransfer {

	/** A buffer larger than this is freed after use instead of kept for the thread's next call. */
	private static final int RETAINED = 256 * 1024;

	/** The largest stream read back; the per-object path converts larger ones. */
	private static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

	private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

	private MarshalTransfer() {
	}

	/**
	 * Convert an exact built-in container (borrowed) to Java.
	 * @param object the container
	 * @param depth its nesting depth in the whole conversion
	 * @return the value, or {@link MarshalReader#NOT_CARRIED} if the per-object path must convert it
	 */
	static @Nullable Object toJava(long object, int depth) {
		int limit = CPython.Py_GetRecursionLimit();
		CPython.Py_SetRecursionLimit(0);
		long stream;
		try {
			stream = CPython.PyMarshal_WriteObjectToString(object, CPython.MARSHAL_VERSION);
		}
		finally {
			CPython.Py_SetRecursionLimit(limit);
		}
		if (stream == 0) {
			// ValueError (an object marshal does not write, or one nested deeper than 2000), RecursionError from
			// __buffer__, MemoryError: the per-object path gives the answer it always gave.
			CPython.PyErr_Clear();
			return MarshalReader.NOT_CARRIED;
		}
		Buffers buffers = BUFFERS.get();
		byte[] data;
		int length;
		int entries = 0;
		try {
			long size;
			long start;
			if (ObjectLayout.verified()) {
				size = CPython.getLong(stream + ObjectLayout.SIZE);
				start = stream + ObjectLayout.BYTES_DATA;
				// PyDict_GET_SIZE (a list's or tuple's size is in the stream; for a set the word is another field).
				entries = (int) Math.min(MAX_LENGTH, CPython.getLong(object + ObjectLayout.SIZE));
			}
			else {
				size = CPython.PyBytes_Size(stream);
				start = CPython.PyBytes_AsString(stream);
			}
			if (size > MAX_LENGTH) {
				return MarshalReader.NOT_CARRIED;
			}
			length = (int) size;
			data = buffers.bytes(length);
			CPython.copyToArray(start, data, 0, length);
		}
		finally {
			CPython.Py_DecRef(stream);
		}
		return MarshalReader.read(data, length, depth, entries);
	}

	/**
	 * Convert a Java collection or map to a new Python reference.
	 * @param value the value
	 * @return a new reference, or 0 if the per-object path must convert it
	 */
	static long toPython(Object value) {
		Buffers buffers = BUFFERS.get();
		MarshalWriter writer = buffers.writer;
		try {
			if (!writer.write(value)) {
				return 0;
			}
			int length = writer.length();
			Memory memory = buffers.memory(length);
			try {
				long address = Pointer.nativeValue(memory);
				CPython.copyFromArray(writer.buffer(), 0, length, address);
				return PythonErrors.check(CPython.PyMarshal_ReadObjectFromString(address, length));
			}
			finally {
				if (!buffers.retains(memory)) {
					memory.close();
				}
			}
		}
		finally {
			writer.trim();
		}
	}

	/** One thread's buffers: reused while small, so a call allocates no native memory. */
	private static final class Buffers {

		final MarshalWriter writer = new MarshalWriter();

		private Memory memory = new Memory(4096);

		private byte[] bytes = new byte[4096];

		/** An array of at least {@code length} bytes: this thread's, or a new one if it is large. */
		byte[] bytes(int length) {
			if (length <= this.bytes.length) {
				return this.bytes;
			}
			if (length > RETAINED) {
				return new byte[length];
			}
			this.bytes = new byte[Math.max(length, Math.min(RETAINED, 2 * this.bytes.length))];
			return this.bytes;
		}

		/** Native memory of at least {@code length} bytes: this thread's, or new memory the caller closes. */
		Memory memory(int length) {
			if (length <= this.memory.size()) {
				return this.memory;
			}
			if (length > RETAINED) {
				return new Memory(length);
			}
			this.memory.close();
			this.memory = new Memory(Math.max(length, Math.min(RETAINED, 2 * this.memory.size())));
			return this.memory;
		}

		boolean retains(Memory candidate) {
			return candidate == this.memory;
		}

	}

}
