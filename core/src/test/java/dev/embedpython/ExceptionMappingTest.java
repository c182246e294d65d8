package dev.embedpython;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Python exceptions become {@link PythonException}s with type, message, traceback and cause chain. Runs on 3.14 and
 * 3.13.
 */
@Tag("runtime-parity")
class ExceptionMappingTest {

	private static PythonRuntime runtime;

	private static PythonPool pool;

	@BeforeAll
	static void start() {
		runtime = TestRuntimes.start();
		pool = runtime.newPool(PoolOptions.builder().name("errors").size(1).build());
	}

	@AfterAll
	static void stop() {
		pool.close();
		runtime.close();
	}

	@Test
	void zeroDivisionError() {
		try (PythonSession session = pool.acquire()) {
			session.exec("def divide(a, b):\n    return a / b\n");
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> session.call("__main__", "divide", 1, 0));
			assertThat(ex.pythonType()).isEqualTo("ZeroDivisionError");
			assertThat(ex.pythonMessage()).isEqualTo("division by zero");
			assertThat(ex).hasMessage("ZeroDivisionError: division by zero");
			assertThat(ex.pythonTraceback()).startsWith("Traceback (most recent call last):")
				.contains("in divide")
				.contains("return a / b")
				.endsWith("ZeroDivisionError: division by zero\n");
			assertThat(session.call("__main__", "divide", 6, 3)).isEqualTo(2.0d);
		}
	}

	@Test
	void nameError() {
		try (PythonSession session = pool.acquire()) {
			PythonException ex = catchThrowableOfType(PythonException.class, () -> session.eval("undefined_name + 1"));
			assertThat(ex.pythonType()).isEqualTo("NameError");
			assertThat(ex.pythonMessage()).contains("undefined_name");
			PythonException missing = catchThrowableOfType(PythonException.class, () -> session.get("nope"));
			assertThat(missing.pythonType()).isEqualTo("NameError");
		}
	}

	@Test
	void syntaxErrorCarriesLineAndColumn() {
		try (PythonSession session = pool.acquire()) {
			PythonSyntaxException ex = catchThrowableOfType(PythonSyntaxException.class,
					() -> session.exec("x = 1\ny = (2 +\nz = 3\n"));
			assertThat(ex.pythonType()).isEqualTo("SyntaxError");
			assertThat(ex.line()).isEqualTo(2);
			assertThat(ex.column()).isEqualTo(5);
			PythonSyntaxException bad = catchThrowableOfType(PythonSyntaxException.class, () -> session.eval("1 +* 2"));
			assertThat(bad.line()).isEqualTo(1);
			assertThat(bad.column()).isEqualTo(4);
			PythonSyntaxException indentation = catchThrowableOfType(PythonSyntaxException.class,
					() -> session.exec("if True:\npass\n"));
			assertThat(indentation.pythonType()).isEqualTo("IndentationError");
			assertThat(indentation.line()).isEqualTo(2);
		}
	}

	@Test
	void customExceptionClass() {
		try (PythonSession session = pool.acquire()) {
			session.exec("class InsufficientFunds(Exception):\n    pass\n\n"
					+ "def withdraw(balance, amount):\n    if amount > balance:\n"
					+ "        raise InsufficientFunds(f'need {amount - balance} more')\n    return balance - amount\n");
			PythonException ex = catchThrowableOfType(PythonException.class,
					() -> session.call("__main__", "withdraw", 10, 25));
			assertThat(ex.pythonType()).isEqualTo("__main__.InsufficientFunds");
			assertThat(ex.pythonMessage()).isEqualTo("need 15 more");
			assertThat(ex.pythonTraceback()).contains("raise InsufficientFunds");
			PythonException json = catchThrowableOfType(PythonException.class,
					() -> session.call("json", "loads", "{bad"));
			assertThat(json.pythonType()).isEqualTo("json.decoder.JSONDecodeError");
		}
	}

	@Test
	void raiseFromChainsBecomeCauses() {
		try (PythonSession session = pool.acquire()) {
			session.exec("def load(key):\n    try:\n        return {}[key]\n    except KeyError as e:\n"
					+ "        raise RuntimeError('config incomplete') from e\n\n"
					+ "def implicit():\n    try:\n        1 / 0\n    except ZeroDivisionError:\n        int('x')\n");
			PythonException ex = catchThrowableOfType(PythonException.class, () -> session.call("__main__", "load", "db"));
			assertThat(ex.pythonType()).isEqualTo("RuntimeError");
			assertThat(ex.getCause()).isInstanceOf(PythonException.class);
			assertThat(((PythonException) ex.getCause()).pythonType()).isEqualTo("KeyError");
			assertThat(ex.pythonTraceback()).contains("The above exception was the direct cause");
			PythonException implicit = catchThrowableOfType(PythonException.class,
					() -> session.call("__main__", "implicit"));
			assertThat(implicit.pythonType()).isEqualTo("ValueError");
			assertThat(((PythonException) implicit.getCause()).pythonType()).isEqualTo("ZeroDivisionError");
		}
	}

	@Test
	void systemExitAndKeyboardInterruptDoNotStopTheJvm() {
		try (PythonSession session = pool.acquire()) {
			PythonException exit = catchThrowableOfType(PythonException.class, () -> session.exec("import sys\nsys.exit(3)"));
			assertThat(exit.pythonType()).isEqualTo("SystemExit");
			PythonException interrupt = catchThrowableOfType(PythonException.class,
					() -> session.exec("raise KeyboardInterrupt"));
			assertThat(interrupt.pythonType()).isEqualTo("KeyboardInterrupt");
			assertThat(session.eval("40 + 2", Long.class)).isEqualTo(42L);
		}
	}

	@Test
	void sessionKeepsWorkingAfterErrors() {
		try (PythonSession session = pool.acquire()) {
			session.set("counter", 1);
			for (int i = 0; i < 50; i++) {
				assertThatExceptionOfType(PythonException.class).isThrownBy(() -> session.eval("1 / 0"));
				session.exec("counter += 1");
			}
			assertThat(session.get("counter", Long.class)).isEqualTo(51L);
		}
	}

	@Test
	void sessionIsBoundToItsThread() throws Exception {
		try (PythonSession session = pool.acquire()) {
			Thread thread = Thread.currentThread();
			Throwable[] failure = new Throwable[1];
			Thread other = new Thread(() -> {
				try {
					session.eval("1");
				}
				catch (Throwable ex) {
					failure[0] = ex;
				}
			}, "intruder");
			other.start();
			other.join();
			assertThat(failure[0]).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(thread.getName())
				.hasMessageContaining("intruder");
			assertThat(session.eval("1", Long.class)).isEqualTo(1L);
		}
	}

	@Test
	void closedSessionRefusesWorkAndCloseIsIdempotent() {
		PythonSession session = pool.acquire();
		session.close();
		session.close();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> session.eval("1"))
			.withMessageContaining("closed");
		assertThat(pool.stats().idle()).isEqualTo(1);
	}

}
