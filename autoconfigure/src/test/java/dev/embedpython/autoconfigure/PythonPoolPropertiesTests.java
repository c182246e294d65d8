package dev.embedpython.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.embedpython.Isolation;
import dev.embedpython.PoolOptions;
import dev.embedpython.PythonException;
import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The pool defaults of the configuration reference, and the {@code allow-*} properties as the interpreters see them.
 */
class PythonPoolPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
		.withPropertyValues(TestPython.properties());

	/** The interpreter's own record of its {@code PyInterpreterConfig}. */
	private static final String CONFIG = "(lambda i: {k: getattr(i.get_config(i.get_current()[0]), k) "
			+ "for k in ('allow_fork', 'allow_exec', 'allow_threads')})(__import__('_interpreters'))";

	private static final String START_THREAD = "import threading\nt = threading.Thread(target=len, args=('x',))\n"
			+ "t.start()\nt.join()\n";

	/** Refused without {@code allow-exec}; with it, the kernel's ENOENT leaves the JVM running. */
	private static final String EXEC_MISSING = "__import__('os').execv('/nonexistent/embedpython-no-such-program', "
			+ "['embedpython-no-such-program'])";

	@Test
	void runWithoutPoolPropertiesShouldUseTheDocumentedDefaults() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PythonAutoConfiguration.class))
			.withPropertyValues("python.cache-dir=" + TestPython.cacheDir())
			.run((context) -> {
				PythonPool pool = context.getBean(PythonPool.class);
				PoolOptions options = pool.options();
				assertThat(options.size()).isEqualTo(Runtime.getRuntime().availableProcessors());
				assertThat(pool.stats().size()).isEqualTo(Runtime.getRuntime().availableProcessors());
				assertThat(options.isolation()).isEqualTo(Isolation.OWN_GIL);
				assertThat(options.acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(options.callTimeout()).isNull();
				assertThat(options.stuckGracePeriod()).isEqualTo(Duration.ofSeconds(5));
				// spring.lifecycle.timeout-per-shutdown-phase's default, through LifecycleProperties.
				assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(options.preload()).isEmpty();
				assertThat(options.maxUses()).isZero();
				assertThat(options.allowThreads()).isTrue();
				assertThat(options.allowFork()).isFalse();
				assertThat(options.allowExec()).isFalse();
			});
	}

	@Test
	void runWithDefaultPermissionsShouldAllowThreadsAndRefuseExecAndFork() {
		this.contextRunner.run((context) -> {
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(config(template)).containsEntry("allow_threads", true)
				.containsEntry("allow_exec", false)
				.containsEntry("allow_fork", false);
			template.exec(START_THREAD);
			assertThat(pythonType(template, EXEC_MISSING)).isEqualTo("RuntimeError");
			assertThat(pythonType(template, "__import__('os').fork()")).isEqualTo("RuntimeError");
		});
	}

	@Test
	void runWithAllowExecAndNoThreadsShouldConfigureTheInterpreters() {
		this.contextRunner.withPropertyValues("python.pool.allow-threads=false", "python.pool.allow-exec=true")
			.run((context) -> {
				PythonPool pool = context.getBean(PythonPool.class);
				assertThat(pool.options().allowThreads()).isFalse();
				assertThat(pool.options().allowExec()).isTrue();
				assertThat(pool.options().allowFork()).isFalse();
				PythonTemplate template = context.getBean(PythonTemplate.class);
				assertThat(config(template)).containsEntry("allow_threads", false)
					.containsEntry("allow_exec", true)
					.containsEntry("allow_fork", false);
				PythonException thread = catchThrowableOfType(PythonException.class,
						() -> template.exec(START_THREAD));
				assertThat(thread).isNotNull();
				assertThat(thread.pythonType()).isEqualTo("RuntimeError");
				assertThat(pythonType(template, EXEC_MISSING)).isEqualTo("FileNotFoundError");
			});
	}

	@Test
	void runWithAllowForkShouldConfigureTheInterpreters() {
		// Forking itself is not tried: the child would be a copy of the JVM.
		this.contextRunner.withPropertyValues("python.pool.allow-fork=true").run((context) -> {
			PythonPool pool = context.getBean(PythonPool.class);
			assertThat(pool.options().allowFork()).isTrue();
			assertThat(pool.options().allowExec()).isFalse();
			PythonTemplate template = context.getBean(PythonTemplate.class);
			assertThat(config(template)).containsEntry("allow_fork", true)
				.containsEntry("allow_exec", false)
				.containsEntry("allow_threads", true);
			assertThat(pythonType(template, EXEC_MISSING)).isEqualTo("RuntimeError");
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> config(PythonTemplate template) {
		return template.eval(CONFIG, Map.class);
	}

	private static String pythonType(PythonTemplate template, String expression) {
		PythonException ex = catchThrowableOfType(PythonException.class, () -> template.eval(expression));
		assertThat(ex).as("what evaluating %s raised", expression).isNotNull();
		return ex.pythonType();
	}

}
