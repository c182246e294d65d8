package dev.embedpython.convert;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.embedpython.convert.MarshalFormat.NotCarried;
import org.jspecify.annotations.Nullable;

import static dev.embedpython.convert.MarshalFormat.ASCII;
import static dev.embedpython.convert.MarshalFormat.BINARY_FLOAT;
import static dev.embedpython.convert.MarshalFormat.DICT;
import static dev.embedpython.convert.MarshalFormat.DIGIT_BITS;
import static dev.embedpython.convert.MarshalFormat.DIGIT_MASK;
import static dev.embedpython.convert.MarshalFormat.FALSE;
import static dev.embedpython.convert.MarshalFormat.INT;
import static dev.embedpython.convert.MarshalFormat.LIST;
import static dev.embedpython.convert.MarshalFormat.LONG;
import static dev.embedpython.convert.MarshalFormat.NONE;
import static dev.embedpython.convert.MarshalFormat.NULL;
import static dev.embedpython.convert.MarshalFormat.SET;
import static dev.embedpython.convert.MarshalFormat.SHORT_ASCII;
import static dev.embedpython.convert.MarshalFormat.STRING;
import static dev.embedpython.convert.MarshalFormat.TRUE;
import static dev.embedpython.convert.MarshalFormat.UNICODE;

/**
 * Encodes a Java value in CPython's {@code marshal} format, for {@code PyMarshal_ReadObjectFromString} to build
 * exactly the objects the per-object path builds: {@code null} → None, {@link Boolean} → bool, {@link Long},
 * {@link Integer}, {@link Short}, {@link Byte}, {@link BigInteger} → int, {@link Double}, {@link Float} → float,
 * {@link String} → str ({@code surrogatepass}), {@code byte[]} → bytes, {@link List} → list,
 * {@link Map} → dict in iteration order, {@link Set} → set. Nothing is written with a back reference, so every
 * Java occurrence becomes an object of its own, as per object.
 * <p>
 * A value it does not carry — another class, a key or set member Python could not hash (a collection), nesting
 * beyond {@link MarshalFormat#MAX_DEPTH}, a stream over 1 GiB — makes {@link #write} answer {@code false}; the caller
 * then converts per object, which gives the result or the error it always gave. Reading the stream runs no Python
 * code: marshal creates only exact built-in objects, and hashes only keys of the kinds written here.
 * <p>
 * Thread contract: one instance per thread; its buffer is reused from call to call.
 */
final class MarshalWriter {

	private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	/** The largest stream written; beyond it the per-object path converts. */
	private static final int MAX_LENGTH = 1 << 30;

	/** A buffer larger than this is dropped after use instead of kept for the thread's next call. */
	private static final int RETAINED = 256 * 1024;

	private byte[] buffer = new byte[256];

	private int position;

	/**
	 * Encode a value into this writer's buffer.
	 * @param value the value
	 * @return whether the whole value was encoded; if not, the buffer holds nothing useful
	 */
	boolean write(@Nullable Object value) {
		this.position = 0;
		try {
			value(value, 0);
			return true;
		}
		catch (NotCarried ex) {
			return false;
		}
	}

	/**
	 * The encoded bytes (valid up to {@link #length()}) until the next {@link #write}.
	 * @return the buffer
	 */
	byte[] buffer() {
		return this.buffer;
	}

	/**
	 * How many bytes the last {@link #write} produced.
	 * @return the length
	 */
	int length() {
		return this.position;
	}

	/** Let a large buffer go once its stream has been read. */
	void trim() {
		if (this.buffer.length > RETAINED) {
			this.buffer = new byte[256];
		}
	}

	private void value(@Nullable Object value, int depth) {
		if (value == null) {
			ensure(1);
			this.buffer[this.position++] = NONE;
		}
		else if (value instanceof String text) {
			string(text);
		}
		else if (value instanceof Boolean bool) {
			ensure(1);
			this.buffer[this.position++] = (byte) (bool ? TRUE : FALSE);
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Short
				|| value instanceof Byte) {
			integer(((Number) value).longValue());
		}
		else if (value instanceof Double || value instanceof Float) {
			ensure(9);
			this.buffer[this.position] = BINARY_FLOAT;
			INT64.set(this.buffer, this.position + 1, Double.doubleToRawLongBits(((Number) value).doubleValue()));
			this.position += 9;
		}
		else if (value instanceof BigInteger big) {
			if (big.bitLength() < 64) {
				integer(big.longValue());
			}
			else {
				bigInteger(big);
			}
		}
		else if (value instanceof byte[] bytes) {
			header(STRING, bytes.length, bytes.length);
			System.arraycopy(bytes, 0, this.buffer, this.position, bytes.length);
			this.position += bytes.length;
		}
		else if (value instanceof Map<?, ?> map) {
			nested(depth);
			ensure(1);
			this.buffer[this.position++] = DICT;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				key(entry.getKey(), depth + 1);
				value(entry.getValue(), depth + 1);
			}
			ensure(1);
			this.buffer[this.position++] = NULL;
		}
		else if (value instanceof List<?> || value instanceof Set<?>) {
			nested(depth);
			// One consistent copy, as per object: a collection whose iteration disagrees with its size() cannot make
			// the count disagree with the items.
			Object[] items = ((Collection<?>) value).toArray();
			boolean list = value instanceof List<?>;
			header(list ? LIST : SET, items.length, 0);
			for (Object item : items) {
				if (list) {
					value(item, depth + 1);
				}
				else {
					key(item, depth + 1);
				}
			}
		}
		else {
			throw NotCarried.INSTANCE;
		}
	}

	/** A dict key or set member: only kinds whose Python objects are hashable and hash without Python code. */
	private void key(@Nullable Object key, int depth) {
		if (key instanceof String text) {
			// The common key first: a failing interface check costs more than a class check.
			string(text);
		}
		else if (key instanceof Collection<?> || key instanceof Map<?, ?>) {
			throw NotCarried.INSTANCE;
		}
		else {
			value(key, depth);
		}
	}

	private static void nested(int depth) {
		if (depth >= MarshalFormat.MAX_DEPTH) {
			throw NotCarried.INSTANCE;
		}
	}

	private void header(int code, int count, int bytesAfter) {
		ensure(5L + bytesAfter);
		this.buffer[this.position] = (byte) code;
		INT32.set(this.buffer, this.position + 1, count);
		this.position += 5;
	}

	private void integer(long value) {
		if (value == (int) value) {
			header(INT, (int) value, 0);
			return;
		}
		// At most five 15-bit digits; the magnitude of Long.MIN_VALUE is 2^63, read as unsigned.
		long magnitude = (value < 0) ? -value : value;
		int count = (64 - Long.numberOfLeadingZeros(magnitude) + DIGIT_BITS - 1) / DIGIT_BITS;
		header(LONG, (value < 0) ? -count : count, 2 * count);
		for (int i = 0; i < count; i++) {
			digit((int) ((magnitude >>> (DIGIT_BITS * i)) & DIGIT_MASK));
		}
	}

	private void bigInteger(BigInteger value) {
		BigInteger magnitude = value.abs();
		int count = (magnitude.bitLength() + DIGIT_BITS - 1) / DIGIT_BITS;
		header(LONG, (value.signum() < 0) ? -count : count, 2 * count);
		// Big-endian bytes of the magnitude, consumed from the lowest end, 15 bits at a time.
		byte[] bytes = magnitude.toByteArray();
		int index = bytes.length - 1;
		long accumulator = 0;
		int bits = 0;
		for (int i = 0; i < count; i++) {
			while (bits < DIGIT_BITS && index >= 0) {
				accumulator |= (long) (bytes[index--] & 0xFF) << bits;
				bits += 8;
			}
			digit((int) (accumulator & DIGIT_MASK));
			accumulator >>>= DIGIT_BITS;
			bits -= DIGIT_BITS;
		}
	}

	private void digit(int digit) {
		this.buffer[this.position++] = (byte) digit;
		this.buffer[this.position++] = (byte) (digit >>> 8);
	}

	private void string(String text) {
		int length = text.length();
		ensure(5L + length);
		int start = this.position;
		int header = (length < 256) ? 2 : 5;
		int at = start + header;
		byte[] out = this.buffer;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				this.position = start;
				utf8(text);
				return;
			}
			out[at++] = (byte) c;
		}
		if (header == 2) {
			out[start] = SHORT_ASCII;
			out[start + 1] = (byte) length;
		}
		else {
			out[start] = ASCII;
			INT32.set(out, start + 1, length);
		}
		this.position = at;
	}

	/** UTF-8 with {@code surrogatepass}: a pair is one 4-byte sequence, a lone surrogate a 3-byte one. */
	private void utf8(String text) {
		int length = text.length();
		ensure(5L + 3L * length);
		byte[] out = this.buffer;
		int start = this.position;
		int at = start + 5;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				out[at++] = (byte) c;
			}
			else if (c < 0x800) {
				out[at++] = (byte) (0xC0 | (c >> 6));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				int codePoint = Character.toCodePoint(c, text.charAt(++i));
				out[at++] = (byte) (0xF0 | (codePoint >> 18));
				out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (codePoint & 0x3F));
			}
			else {
				out[at++] = (byte) (0xE0 | (c >> 12));
				out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		out[start] = UNICODE;
		INT32.set(out, start + 1, at - start - 5);
		this.position = at;
	}

	private void ensure(long bytes) {
		long needed = this.position + bytes;
		if (needed > this.buffer.length) {
			if (needed > MAX_LENGTH) {
				throw NotCarried.INSTANCE;
			}
			long grown = Math.min(MAX_LENGTH, Math.max(needed, 2L * this.buffer.length));
			this.buffer = Arrays.copyOf(this.buffer, (int) grown);
		}
	}

}
