package dev.embedpython;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * numpy arrays (and any other buffer exporter) to Java primitive arrays in one copy, and Java primitive arrays to
 * something {@code numpy.asarray} takes without another copy. Uses the real numpy from the test class path, in the
 * main interpreter (numpy's home: it loads in one interpreter per process, and never again after the runtime
 * restarts in the same JVM: hence a JVM of its own).
 */
@Tag("own-jvm")
class BufferArraysTest {

	private static PythonRuntime runtime;

	private static PythonSession session;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		session = runtime.mainInterpreter().acquire();
		session.exec("import numpy as np, array");
	}

	@AfterAll
	static void stop() {
		session.close();
		runtime.close();
	}

	@Test
	void eachNumericDtypeConvertsToItsPrimitiveArray() {
		assertThat(session.eval("np.arange(5.0)", double[].class)).containsExactly(0, 1, 2, 3, 4);
		assertThat(session.eval("np.array([1.5, -2.25], dtype=np.float32)", float[].class)).containsExactly(1.5f,
				-2.25f);
		assertThat(session.eval("np.array([2**40, -1, 7], dtype=np.int64)", long[].class)).containsExactly(1L << 40,
				-1L, 7L);
		assertThat(session.eval("np.array([2**31 - 1, -5], dtype=np.int32)", int[].class))
			.containsExactly(Integer.MAX_VALUE, -5);
		assertThat(session.eval("np.array([-300, 12], dtype=np.int16)", short[].class)).containsExactly((short) -300,
				(short) 12);
		assertThat(session.eval("np.array([0, 127, 255], dtype=np.uint8)", byte[].class)).containsExactly(0, 127, -1);
		assertThat(session.eval("np.array([-128, 5], dtype=np.int8)", byte[].class)).containsExactly(-128, 5);
		assertThat(session.eval("np.zeros(0)", double[].class)).isEmpty();
		assertThat(session.eval("None", double[].class)).isNull();
	}

	@Test
	void twoDimensionalArraysConvertToArraysOfRows() {
		double[][] matrix = session.eval("np.arange(6.0).reshape(2, 3)", double[][].class);
		assertThat(matrix).isDeepEqualTo(new double[][] { { 0, 1, 2 }, { 3, 4, 5 } });
		long[][] ints = session.eval("np.arange(4).reshape(2, 2).T.copy()", long[][].class);
		assertThat(ints).isDeepEqualTo(new long[][] { { 0, 2 }, { 1, 3 } });
		assertThat(session.eval("np.zeros((0, 3))", double[][].class)).isEmpty();
	}

	@Test
	void anyBufferExporterConverts() {
		assertThat(session.eval("array.array('d', [1.0, 2.5])", double[].class)).containsExactly(1.0, 2.5);
		assertThat(session.eval("memoryview(array.array('i', [1, 2, 3]))", int[].class)).containsExactly(1, 2, 3);
		assertThat(session.eval("bytearray(b'\\x01\\xff')", byte[].class)).containsExactly(1, -1);
		assertThat(session.eval("b'ab'", byte[].class)).containsExactly('a', 'b');
		assertThat(session.eval("memoryview(bytes(range(8))).cast('B', [2, 4])", byte[][].class))
			.isDeepEqualTo(new byte[][] { { 0, 1, 2, 3 }, { 4, 5, 6, 7 } });
	}

	@Test
	void mismatchesSayWhatWasFoundAndWhatWasExpected() {
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.arange(10.0)[::2]", double[].class))
			.withMessageContaining("'ndarray'")
			.withMessageContaining("non-contiguous")
			.withMessageContaining("numpy.ascontiguousarray");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.array([1, 'a'], dtype=object)", double[].class))
			.withMessageContaining("format 'O'")
			.withMessageContaining("expected a C-contiguous 1-dimensional buffer of 8-byte floats");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.arange(3)", double[].class))
			.withMessageContaining("found a 1-dimensional buffer of format 'l' with 8-byte items")
			.withMessageContaining("numpy float64");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.arange(3.0)", float[].class))
			.withMessageContaining("8-byte items")
			.withMessageContaining("4-byte floats");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.array([1], dtype=np.uint64)", long[].class))
			.withMessageContaining("format 'L'");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.zeros((2, 2))", double[].class))
			.withMessageContaining("found a 2-dimensional buffer")
			.withMessageContaining("expected a C-contiguous 1-dimensional buffer");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.zeros(3)", double[][].class))
			.withMessageContaining("expected a C-contiguous 2-dimensional buffer");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("[1.0, 2.0]", double[].class))
			.withMessageContaining("Cannot convert Python 'list' to double[]: it exports no buffer");
		assertThatExceptionOfType(PythonConversionException.class)
			.isThrownBy(() -> session.eval("np.array([1.0], dtype='>f8')", double[].class))
			.withMessageContaining("format '>d'");
	}

	@Test
	void javaArraysReachNumpyWithoutAnotherCopy() {
		session.set("d", new double[] { 1.5, 2.5, 3.0 });
		assertThat(session.eval("np.asarray(d).dtype.name", String.class)).isEqualTo("float64");
		assertThat(session.eval("float(np.asarray(d).sum())", Double.class)).isEqualTo(7.0);
		// numpy.asarray views the memoryview's bytearray: a write through it is seen by the memoryview.
		session.exec("a = np.asarray(d)\na[0] = 42.0");
		assertThat(session.eval("d[0]", Double.class)).isEqualTo(42.0);
		session.set("l", new long[] { 1L << 40, -2 });
		assertThat(session.eval("np.asarray(l).dtype.name", String.class)).isEqualTo("int64");
		assertThat(session.eval("np.asarray(l)", long[].class)).containsExactly(1L << 40, -2L);
		session.set("i", new int[] { 3, -4 });
		assertThat(session.eval("np.asarray(i).dtype.name", String.class)).isEqualTo("int32");
		session.set("f", new float[] { 0.5f });
		assertThat(session.eval("np.asarray(f).dtype.name", String.class)).isEqualTo("float32");
		session.set("s", new short[] { 7 });
		assertThat(session.eval("np.asarray(s).dtype.name", String.class)).isEqualTo("int16");
		session.set("e", new double[0]);
		assertThat(session.eval("np.asarray(e).shape", Object.class)).isEqualTo(java.util.List.of(0L));
		double[] dot = session.call(double[].class, "numpy", "multiply", new double[] { 1, 2, 3 }, 2.0);
		assertThat(dot).containsExactly(2, 4, 6);
	}

	@Test
	void byteBuffersArriveAsByteMemoryviewsOfTheirRemainingBytes() {
		ByteBuffer direct = ByteBuffer.allocateDirect(8);
		direct.put(new byte[] { 1, 2, 3, 4, 5 }).flip().position(1);
		ByteBuffer heap = ByteBuffer.wrap(new byte[] { 9, 8, 7, 6 }, 1, 2);
		for (ByteBuffer buffer : List.of(direct, heap, direct.asReadOnlyBuffer(), heap.asReadOnlyBuffer(),
				ByteBuffer.allocateDirect(0))) {
			int position = buffer.position();
			session.set("bb", buffer);
			byte[] expected = new byte[buffer.remaining()];
			buffer.duplicate().get(expected);
			assertThat(session.eval("[type(bb).__name__, bb.format, bb.readonly, bytes(bb)]"))
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.startsWith("memoryview", "B", false)
				.last()
				.isEqualTo(expected);
			assertThat(buffer.position()).isEqualTo(position);
		}
		assertThat(session.eval("np.asarray(bb).dtype.name", String.class)).isEqualTo("uint8");
	}

	@Test
	void byteArraysArriveAsBytesAndLargeArraysCrossWhole() {
		byte[] bytes = new byte[3_000_000];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (i * 31);
		}
		session.set("b", bytes);
		assertThat(session.eval("type(b).__name__ == 'bytes' and len(b) == 3_000_000 and b[1] == 31 and b[-1] == "
				+ "(2_999_999 * 31) % 256", Boolean.class)).isTrue();
		assertThat(session.eval("b", byte[].class)).isEqualTo(bytes);
		double[] doubles = new double[1_000_000];
		for (int i = 0; i < doubles.length; i++) {
			doubles[i] = i * 0.25;
		}
		session.set("d", doubles);
		assertThat(session.eval("d", double[].class)).isEqualTo(doubles);
		assertThat(session.eval("array.array('d', d)", double[].class)).isEqualTo(doubles);
	}

}
