package dev.embedpython.convert;

import java.nio.charset.StandardCharsets;

import dev.embedpython.PythonConversionException;
import dev.embedpython.capi.CPython;
import dev.embedpython.capi.PythonErrors;
import dev.embedpython.capi.Scratch;

/**
 * Python {@code str} objects from and to Java strings, exactly, in the representation CPython already holds: a
 * compact {@code str} stores one, two or four bytes per code point (Latin-1, UCS-2, UCS-4), so text is copied once
 * between that buffer and a Java array, never encoded to UTF-8 on one side and decoded on the other.
 * <p>
 * Semantics are {@code surrogatepass}: a lone surrogate {@code char} in Java is the lone surrogate code point in
 * Python and back, a valid surrogate pair is one supplementary code point. Two Python code points that form a pair
 * in UTF-16 become that pair in Java (as Python's own UTF-16 {@code surrogatepass} round trip does).
 * <p>
 * When {@link ObjectLayout} is not confirmed, and for {@code str} subclasses (not compact), the C API is used
 * instead, with the same results.
 * <p>
 * Thread contract: stateless; call with an attached thread state of the interpreter that owns the objects.
 */
final class StringObjects {

	/** The largest Java array the JVM reliably allocates. */
	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	/**
	 * Characters copied at once from a long Java string: an array of this size is a small allocation, one as long as
	 * a 1 Mi-character text a humongous one (slower than the copy itself on JDK 25).
	 */
	private static final int CHUNK = 64 * 1024;

	/** Up to this length a text is scanned with {@code charAt}: no array to allocate for the usual short string. */
	private static final int SHORT_TEXT = 256;

	private StringObjects() {
	}

	/**
	 * Create a {@code str} with exactly the text of a Java string.
	 * @param text the text
	 * @return a new reference
	 */
	static long toPython(String text) {
		if (!ObjectLayout.verified()) {
			return toPythonThroughApi(text);
		}
		int length = text.length();
		int or = charBits(text);
		if (or < 0x100) {
			// All of it is Latin-1 (ASCII when below 0x80): the one-byte form, which PyUnicode_New picks from maxchar.
			long object = PythonErrors.check(CPython.PyUnicode_New(length, or));
			long data = object + ((or < 0x80) ? ObjectLayout.STR_ASCII_DATA : ObjectLayout.STR_COMPACT_DATA);
			if (length <= CHUNK) {
				CPython.copyFromArray(text.getBytes(StandardCharsets.ISO_8859_1), 0, length, data);
			}
			else {
				copyLatin1InChunks(text, data);
			}
			return object;
		}
		if (or < Character.MIN_SURROGATE || !hasSurrogatePair(text)) {
			// The two-byte form holds every char as it is, lone surrogates included. Its maxchar is at most 0xffff,
			// and `or` has a bit at 0x100 or above: PyUnicode_New picks exactly the two-byte kind.
			long object = PythonErrors.check(CPython.PyUnicode_New(length, or));
			char[] chars = new char[Math.min(length, CHUNK)];
			for (int from = 0; from < length; from += chars.length) {
				int count = Math.min(chars.length, length - from);
				text.getChars(from, from + count, chars, 0);
				CPython.copyFromArray(chars, 0, count, object + ObjectLayout.STR_COMPACT_DATA + 2L * from);
			}
			return object;
		}
		// A supplementary character: the four-byte form, one code point per pair.
		int[] codePoints = text.codePoints().toArray();
		long object = PythonErrors.check(CPython.PyUnicode_New(codePoints.length, Character.MAX_CODE_POINT));
		CPython.copyFromArray(codePoints, 0, codePoints.length, object + ObjectLayout.STR_COMPACT_DATA);
		return object;
	}

	/**
	 * The OR of all chars of a text: below 0x80 it is ASCII, below 0x100 Latin-1. A long text is read in chunks
	 * through {@code getChars} and the OR taken over the array, which the JIT vectorizes; {@code charAt} per
	 * character measured 2 ms for 1 Mi characters on JDK 25 (0.6 ms on 17).
	 */
	private static int charBits(String text) {
		int length = text.length();
		int or = 0;
		if (length <= SHORT_TEXT) {
			for (int i = 0; i < length; i++) {
				or |= text.charAt(i);
			}
			return or;
		}
		char[] chunk = new char[Math.min(length, CHUNK)];
		for (int from = 0; from < length; from += chunk.length) {
			int count = Math.min(chunk.length, length - from);
			text.getChars(from, from + count, chunk, 0);
			for (int i = 0; i < count; i++) {
				or |= chunk[i];
			}
		}
		return or;
	}

	/**
	 * Copy the low bytes of a Latin-1 string in chunks, through one small array instead of an array as long as the
	 * text ({@code String.getBytes(int, int, byte[], int)} is the copy that takes a range; for a Latin-1 string it is
	 * an array copy).
	 */
	@SuppressWarnings("deprecation")
	private static void copyLatin1InChunks(String text, long data) {
		byte[] chunk = new byte[CHUNK];
		for (int from = 0, length = text.length(); from < length; from += CHUNK) {
			int count = Math.min(CHUNK, length - from);
			text.getBytes(from, from + count, chunk, 0);
			CPython.copyFromArray(chunk, 0, count, data + from);
		}
	}

	private static boolean hasSurrogatePair(String text) {
		for (int i = 0, last = text.length() - 1; i < last; i++) {
			if (Character.isHighSurrogate(text.charAt(i)) && Character.isLowSurrogate(text.charAt(i + 1))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Java's UTF-8 encoder replaces a lone surrogate with {@code ?}, so text with one is passed as code points.
	 */
	private static long toPythonThroughApi(String text) {
		if (!hasLoneSurrogate(text)) {
			byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
			return PythonErrors.check(CPython.PyUnicode_FromStringAndSize(utf8, utf8.length));
		}
		int[] codePoints = text.codePoints().toArray();
		return PythonErrors.check(
				CPython.PyUnicode_FromKindAndData(CPython.UNICODE_4BYTE_KIND, codePoints, codePoints.length));
	}

	private static boolean hasLoneSurrogate(String text) {
		for (int i = 0, length = text.length(); i < length; i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Read a {@code str} (or subclass) exactly.
	 * @param object the object
	 * @return the text
	 * @throws dev.embedpython.PythonException if the C API fails
	 * @throws PythonConversionException if the text is too long for a Java string
	 */
	static String toJava(long object) {
		int bits = ObjectLayout.verified() ? CPython.getInt(object + ObjectLayout.STR_STATE) : 0;
		if ((bits & ObjectLayout.STR_COMPACT) == 0) {
			// Subclass instances keep their characters in a separate block (not compact): the C API reads them.
			String text;
			try {
				text = Scratch.get().string(object);
			}
			catch (IllegalArgumentException ex) {
				throw new PythonConversionException(ex.getMessage());
			}
			if (text == null) {
				throw PythonErrors.raised();
			}
			return text;
		}
		long length = CPython.getLong(object + ObjectLayout.STR_LENGTH);
		if (length == 0) {
			return "";
		}
		if (length > MAX_ARRAY) {
			throw new PythonConversionException("Python str of " + length + " code points is too long for Java");
		}
		int count = (int) length;
		if ((bits & ObjectLayout.STR_ASCII) != 0) {
			byte[] ascii = new byte[count];
			CPython.copyToArray(object + ObjectLayout.STR_ASCII_DATA, ascii, 0, count);
			return new String(ascii, StandardCharsets.ISO_8859_1);
		}
		long data = object + ObjectLayout.STR_COMPACT_DATA;
		switch ((bits >>> ObjectLayout.STR_KIND_SHIFT) & 7) {
			case 1 -> {
				byte[] latin1 = new byte[count];
				CPython.copyToArray(data, latin1, 0, count);
				return new String(latin1, StandardCharsets.ISO_8859_1);
			}
			case 2 -> {
				char[] chars = new char[count];
				CPython.copyToArray(data, chars, 0, count);
				return new String(chars);
			}
			default -> {
				int[] codePoints = new int[count];
				CPython.copyToArray(data, codePoints, 0, count);
				return new String(codePoints, 0, count);
			}
		}
	}

}
