package dev.embedpython.convert;

/**
 * The codes of CPython's {@code marshal} format, version 4 ({@code Python/marshal.c}), for the records the bulk path
 * reads and writes: each record is one type byte (with {@link #FLAG_REF} when it may be referenced again), then its
 * data, little-endian.
 */
final class MarshalFormat {

	/** Ends a dict's key/value pairs. */
	static final int NULL = '0';

	static final int NONE = 'N';

	static final int FALSE = 'F';

	static final int TRUE = 'T';

	/** A signed 32-bit int. */
	static final int INT = 'i';

	/** An int of any size: a signed 32-bit count of 15-bit digits (negative for negative numbers), lowest first. */
	static final int LONG = 'l';

	/** An IEEE 754 double, 8 bytes. */
	static final int BINARY_FLOAT = 'g';

	/** bytes, or any other object that exports a buffer. */
	static final int STRING = 's';

	/** A str as UTF-8 with {@code surrogatepass}: 32-bit byte count, bytes. */
	static final int UNICODE = 'u';

	/** The same, interned. */
	static final int INTERNED = 't';

	/** An ASCII str: 32-bit length, bytes. */
	static final int ASCII = 'a';

	static final int ASCII_INTERNED = 'A';

	/** An ASCII str shorter than 256: 8-bit length, bytes. */
	static final int SHORT_ASCII = 'z';

	static final int SHORT_ASCII_INTERNED = 'Z';

	/** A tuple shorter than 256: 8-bit count, items. */
	static final int SMALL_TUPLE = ')';

	static final int TUPLE = '(';

	static final int LIST = '[';

	/** Key/value pairs up to {@link #NULL}. */
	static final int DICT = '{';

	static final int SET = '<';

	static final int FROZENSET = '>';

	/** A 32-bit index of an earlier record written with {@link #FLAG_REF}. */
	static final int REF = 'r';

	/** Marks a record that gets the next reference index (in the order records start). */
	static final int FLAG_REF = 0x80;

	/** Count of 15-bit digits. */
	static final int DIGIT_BITS = 15;

	static final int DIGIT_MASK = (1 << DIGIT_BITS) - 1;

	/**
	 * How deep the bulk path nests containers before it leaves a value to the per-object path, which decides
	 * the exact outcome near its own limit of 256 levels (marshal itself stops at 2000).
	 */
	static final int MAX_DEPTH = 200;

	private MarshalFormat() {
	}

	/**
	 * Unwinds a decoding or encoding that cannot carry its value, for the per-object path to take over;
	 * preallocated, without a stack trace.
	 */
	static final class NotCarried extends RuntimeException {

		private static final long serialVersionUID = 1L;

		static final NotCarried INSTANCE = new NotCarried();

		private NotCarried() {
			super(null, null, false, false);
		}

	}

}
