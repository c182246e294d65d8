package dev.embedpython;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A Python exception's {@code __cause__}/{@code __context__} chain can be a cycle (both are assignable): the Java
 * cause chain then has each exception once, like Python's own traceback printing. Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
class ExceptionChainCycleTest {

	private static PythonRuntime runtime;

	private static PythonPool pool;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("cycles").size(1).build());
		try (PythonSession session = pool.acquire()) {
			session.exec("""
					def self_cause():
					    a = ValueError('a')
					    a.__cause__ = a
					    raise a

					def two_cycle():
					    a = ValueError('a')
					    b = KeyError('b')
					    a.__cause__ = b
					    b.__cause__ = a
					    raise a

					def three_cycle_via_context():
					    a = ValueError('a')
					    b = TypeError('b')
					    c = OSError('c')
					    a.__context__ = b
					    b.__context__ = c
					    c.__context__ = a
					    raise a

					def cycle_below_the_top():
					    a = RuntimeError('top')
					    b = ValueError('b')
					    c = KeyError('c')
					    a.__cause__ = b
					    b.__cause__ = c
					    c.__cause__ = b
					    raise a

					def long_chain(n):
					    e = ValueError('0')
					    for i in range(1, n):
					        nxt = ValueError(str(i))
					        nxt.__cause__ = e
					        e = nxt
					    raise e
					""");
		}
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	private static PythonException raise(String function, Object... args) {
		try (PythonSession session = pool.acquire()) {
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> session.call("__main__", function, args));
			assertThat(session.eval("1 + 1")).isEqualTo(2L);
			return ex;
		}
	}

	private static List<String> chain(Throwable top) {
		List<String> messages = new ArrayList<>();
		for (Throwable ex = top; ex != null && messages.size() < 100; ex = ex.getCause()) {
			PythonException python = (PythonException) ex;
			messages.add(python.pythonType() + ":" + python.pythonMessage());
		}
		return messages;
	}

	@Test
	void selfCauseIsOneException() {
		assertThat(chain(raise("self_cause"))).containsExactly("ValueError:a");
	}

	@Test
	void twoCycleIsTwoExceptions() {
		PythonException ex = raise("two_cycle");
		assertThat(chain(ex)).containsExactly("ValueError:a", "KeyError:'b'");
		assertThat(ex.pythonTraceback()).contains("ValueError: a").contains("KeyError: 'b'");
	}

	@Test
	void contextCycleIsEachExceptionOnce() {
		assertThat(chain(raise("three_cycle_via_context"))).containsExactly("ValueError:a", "TypeError:b",
				"OSError:c");
	}

	@Test
	void cycleBelowTheTopEndsAtTheRepeat() {
		assertThat(chain(raise("cycle_below_the_top"))).containsExactly("RuntimeError:top", "ValueError:b",
				"KeyError:'c'");
	}

	@Test
	void longAcyclicChainIsCutAtSeventeen() {
		List<String> messages = chain(raise("long_chain", 30));
		assertThat(messages).hasSize(17);
		assertThat(messages.get(0)).isEqualTo("ValueError:29");
		assertThat(messages.get(16)).isEqualTo("ValueError:13");
		assertThat(chain(raise("long_chain", 5))).containsExactly("ValueError:4", "ValueError:3", "ValueError:2",
				"ValueError:1", "ValueError:0");
	}

}
