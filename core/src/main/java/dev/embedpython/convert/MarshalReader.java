package dev.embedpython.convert;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.embedpython.convert.MarshalFormat.NotCarried;
import org.jspecify.annotations.Nullable;

import static dev.embedpython.convert.MarshalFormat.ASCII;
import static dev.embedpython.convert.MarshalFormat.ASCII_INTERNED;
import static dev.embedpython.convert.MarshalFormat.BINARY_FLOAT;
import static dev.embedpython.convert.MarshalFormat.DICT;
import static dev.embedpython.convert.MarshalFormat.DIGIT_BITS;
import static dev.embedpython.convert.MarshalFormat.FALSE;
import static dev.embedpython.convert.MarshalFormat.FLAG_REF;
import static dev.embedpython.convert.MarshalFormat.FROZENSET;
import static dev.embedpython.convert.MarshalFormat.INT;
import static dev.embedpython.convert.MarshalFormat.INTERNED;
import static dev.embedpython.convert.MarshalFormat.LIST;
import static dev.embedpython.convert.MarshalFormat.LONG;
import static dev.embedpython.convert.MarshalFormat.NONE;
import static dev.embedpython.convert.MarshalFormat.NULL;
import static dev.embedpython.convert.MarshalFormat.REF;
import static dev.embedpython.convert.MarshalFormat.SET;
import static dev.embedpython.convert.MarshalFormat.SHORT_ASCII;
import static dev.embedpython.convert.MarshalFormat.SHORT_ASCII_INTERNED;
import static dev.embedpython.convert.MarshalFormat.SMALL_TUPLE;
import static dev.embedpython.convert.MarshalFormat.TRUE;
import static dev.embedpython.convert.MarshalFormat.TUPLE;
import static dev.embedpython.convert.MarshalFormat.UNICODE;

/**
 * Decodes what {@code PyMarshal_WriteObjectToString} wrote into exactly the Java values the per-object path makes of
 * the same objects: {@code None} → {@code null}, bool → {@link Boolean}, int → {@link Long} or (beyond 64 bits)
 * {@link BigInteger}, float → {@link Double}, str → {@link String} ({@code surrogatepass}), list → mutable
 * {@link List}, tuple → unmodifiable {@link List}, dict → {@link LinkedHashMap} in the dict's order, set and
 * frozenset → {@link LinkedHashSet}.
 * <p>
 * Any other record — bytes (marshal writes every buffer exporter the same way, so a {@code bytearray} could not be
 * told from {@code bytes}), complex, code, Ellipsis, a reference cycle, nesting beyond
 * {@link MarshalFormat#MAX_DEPTH} — ends decoding with {@link #NOT_CARRIED}, and the caller converts the object per
 * object instead, which gives the result or the error it always gave.
 * <p>
 * An object that appears several times (marshal's back references) becomes a fresh container at each place, as the
 * per-object path makes it: a referenced container is decoded again from where it was first written.
 * <p>
 * Thread contract: one instance per decoding, used by one thread.
 */
final class MarshalReader {

	/** What {@link #read} returns when the stream holds something the bulk path does not carry. */
	static final Object NOT_CARRIED = new Object();

	private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	/** A reference slot whose container is still being decoded: a reference to it is a cycle. */
	private static final Object IN_PROGRESS = new Object();

	/** A reference slot holding a container: decoded again at each reference. */
	private static final Object CONTAINER = new Object();

	private final byte[] data;

	private final int end;

	private int position;

	private @Nullable Object[] references = new Object[16];

	/** Where each referenced record starts, for decoding a container again. */
	private int[] starts = new int[16];

	private int referenceCount;

	/** Whether records with {@link MarshalFormat#FLAG_REF} take a new index (not while decoding one again). */
	private boolean registering = true;

	/** The size of the dict at the top, if known: taken by the first dict decoded, which is that one. */
	private int entriesHint;

	private MarshalReader(byte[] data, int length) {
		this.data = data;
		this.end = length;
	}

	/**
	 * Decode one object.
	 * @param data the stream
	 * @param length how many bytes of it are used
	 * @param depth the nesting depth of the object in the whole conversion
	 * @param entries how many entries the object has if it is a dict (marshal does not write the count, and a map
	 * sized up front is built about a quarter faster), or 0
	 * @return the value, or {@link #NOT_CARRIED}
	 */
	static @Nullable Object read(byte[] data, int length, int depth, int entries) {
		MarshalReader reader = new MarshalReader(data, length);
		reader.entriesHint = (length > 0 && (data[0] & ~FLAG_REF) == DICT) ? entries : 0;
		try {
			Object value = reader.next(depth);
			return (reader.position == length) ? value : NOT_CARRIED;
		}
		catch (NotCarried ex) {
			return NOT_CARRIED;
		}
	}

	private @Nullable Object next(int depth) {
		int start = this.position;
		int code = u8();
		int reference = -1;
		if ((code & FLAG_REF) != 0) {
			code &= ~FLAG_REF;
			if (this.registering) {
				reference = reserve(start);
			}
		}
		switch (code) {
			case NONE:
				return null;
			case TRUE:
				return Boolean.TRUE;
			case FALSE:
				return Boolean.FALSE;
			case INT:
				return registered(reference, (long) int32());
			case LONG:
				return registered(reference, integer());
			case BINARY_FLOAT:
				return registered(reference, Double.longBitsToDouble(int64()));
			case SHORT_ASCII, SHORT_ASCII_INTERNED:
				return registered(reference, ascii(u8()));
			case ASCII, ASCII_INTERNED:
				return registered(reference, ascii(count()));
			case UNICODE, INTERNED:
				return registered(reference, utf8(count()));
			case REF:
				return referenced(int32(), depth);
			default:
				return container(code, reference, depth);
		}
	}

	private @Nullable Object container(int code, int reference, int depth) {
		if (depth >= MarshalFormat.MAX_DEPTH) {
			throw NotCarried.INSTANCE;
		}
		Object result = switch (code) {
			case LIST -> items(count(), depth);
			case SMALL_TUPLE -> Collections.unmodifiableList(items(u8(), depth));
			case TUPLE -> Collections.unmodifiableList(items(count(), depth));
			case DICT -> entries(depth);
			case SET, FROZENSET -> members(count(), depth);
			default -> throw NotCarried.INSTANCE;
		};
		if (reference >= 0) {
			this.references[reference] = CONTAINER;
		}
		return result;
	}

	private List<@Nullable Object> items(int count, int depth) {
		List<@Nullable Object> list = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			list.add(next(depth + 1));
		}
		return list;
	}

	private Map<@Nullable Object, @Nullable Object> entries(int depth) {
		int expected = this.entriesHint;
		this.entriesHint = 0;
		Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>(capacity(expected));
		while (peek() != NULL) {
			Object key = next(depth + 1);
			map.put(key, next(depth + 1));
		}
		this.position++;
		return map;
	}

	private Set<@Nullable Object> members(int count, int depth) {
		Set<@Nullable Object> set = new LinkedHashSet<>(capacity(count));
		for (int i = 0; i < count; i++) {
			set.add(next(depth + 1));
		}
		return set;
	}

	/** A hash table capacity that holds {@code count} entries without growing. */
	private static int capacity(int count) {
		return Math.max(16, (int) (count / 0.75f) + 1);
	}

	private int reserve(int start) {
		if (this.referenceCount == this.references.length) {
			this.references = Arrays.copyOf(this.references, this.referenceCount * 2);
			this.starts = Arrays.copyOf(this.starts, this.referenceCount * 2);
		}
		// A container's index is taken before its items are read (marshal numbers records in the order they
		// start); it stays IN_PROGRESS until the container is complete.
		this.references[this.referenceCount] = IN_PROGRESS;
		this.starts[this.referenceCount] = start;
		return this.referenceCount++;
	}

	private Object registered(int reference, Object value) {
		if (reference >= 0) {
			this.references[reference] = value;
		}
		return value;
	}

	private @Nullable Object referenced(int index, int depth) {
		if (index < 0 || index >= this.referenceCount) {
			throw NotCarried.INSTANCE;
		}
		Object value = this.references[index];
		if (value == IN_PROGRESS) {
			// A container that holds itself: the per-object path reports the nesting it leads to.
			throw NotCarried.INSTANCE;
		}
		if (value != CONTAINER) {
			// Immutable: str, int, float (a tuple is a container: it may hold mutable lists).
			return value;
		}
		int resume = this.position;
		boolean wasRegistering = this.registering;
		this.position = this.starts[index];
		this.registering = false;
		try {
			return next(depth);
		}
		finally {
			this.position = resume;
			this.registering = wasRegistering;
		}
	}

	private Object integer() {
		int signedCount = int32();
		int count = Math.abs(signedCount);
		need(2L * count);
		if (count <= 4) {
			// At most 60 bits: a long.
			long magnitude = 0;
			for (int i = 0; i < count; i++) {
				magnitude |= (long) u16() << (DIGIT_BITS * i);
			}
			return (signedCount < 0) ? -magnitude : magnitude;
		}
		// Big-endian two's complement bytes of the magnitude, filled from the lowest digit up.
		byte[] bytes = new byte[(DIGIT_BITS * count + 7) / 8 + 1];
		long accumulator = 0;
		int bits = 0;
		int index = bytes.length - 1;
		for (int i = 0; i < count; i++) {
			accumulator |= (long) u16() << bits;
			bits += DIGIT_BITS;
			while (bits >= 8) {
				bytes[index--] = (byte) accumulator;
				accumulator >>>= 8;
				bits -= 8;
			}
		}
		if (bits > 0) {
			bytes[index] = (byte) accumulator;
		}
		BigInteger value = new BigInteger(bytes);
		if (signedCount < 0) {
			value = value.negate();
		}
		// The per-object rule: whatever fits a long (PyLong_AsLongLong succeeds) is a Long.
		return (value.bitLength() < 64) ? (Object) value.longValue() : value;
	}

	private String ascii(int length) {
		need(length);
		String text = new String(this.data, this.position, length, StandardCharsets.ISO_8859_1);
		this.position += length;
		return text;
	}

	private String utf8(int length) {
		need(length);
		int from = this.position;
		int to = from + length;
		this.position = to;
		for (int i = from; i < to - 1; i++) {
			// 0xED 0xA0..0xBF starts an encoded surrogate (surrogatepass); Java's decoder would replace it.
			if (this.data[i] == (byte) 0xED && (this.data[i + 1] & 0xFF) >= 0xA0) {
				return utf8WithSurrogates(from, to);
			}
		}
		return new String(this.data, from, length, StandardCharsets.UTF_8);
	}

	private String utf8WithSurrogates(int from, int to) {
		// The input is CPython's own well-formed UTF-8 (surrogates encoded like other 3-byte sequences).
		char[] chars = new char[to - from];
		int count = 0;
		int i = from;
		while (i < to) {
			int b = this.data[i] & 0xFF;
			if (b < 0x80) {
				chars[count++] = (char) b;
				i++;
			}
			else if (b < 0xE0) {
				chars[count++] = (char) (((b & 0x1F) << 6) | (this.data[i + 1] & 0x3F));
				i += 2;
			}
			else if (b < 0xF0) {
				chars[count++] = (char) (((b & 0x0F) << 12) | ((this.data[i + 1] & 0x3F) << 6)
						| (this.data[i + 2] & 0x3F));
				i += 3;
			}
			else {
				int codePoint = ((b & 0x07) << 18) | ((this.data[i + 1] & 0x3F) << 12)
						| ((this.data[i + 2] & 0x3F) << 6) | (this.data[i + 3] & 0x3F);
				chars[count++] = Character.highSurrogate(codePoint);
				chars[count++] = Character.lowSurrogate(codePoint);
				i += 4;
			}
		}
		return new String(chars, 0, count);
	}

	private int peek() {
		need(1);
		return this.data[this.position] & 0xFF;
	}

	private int u8() {
		need(1);
		return this.data[this.position++] & 0xFF;
	}

	private int u16() {
		int value = (this.data[this.position] & 0xFF) | ((this.data[this.position + 1] & 0xFF) << 8);
		this.position += 2;
		return value;
	}

	private int int32() {
		need(4);
		int value = (int) INT32.get(this.data, this.position);
		this.position += 4;
		return value;
	}

	private long int64() {
		need(8);
		long value = (long) INT64.get(this.data, this.position);
		this.position += 8;
		return value;
	}

	/** A count or length: never negative, never more than the bytes left (each item takes at least one). */
	private int count() {
		int count = int32();
		if (count < 0 || count > this.end - this.position) {
			throw NotCarried.INSTANCE;
		}
		return count;
	}

	private void need(long bytes) {
		if (bytes > this.end - this.position) {
			throw NotCarried.INSTANCE;
		}
	}

}
