package dev.embedpython.autoconfigure.module;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.embedpython.PythonPool;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Kind;
import dev.embedpython.autoconfigure.module.PythonModuleValidationException.Problem;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the implementations of {@link PythonModule} interfaces, like Spring's {@code HttpServiceProxyFactory}
 * does for HTTP interfaces. The auto-configuration uses one per interface bean; without Spring:
 *
 * <pre class="code">
 * PythonModuleProxyFactory factory = PythonModuleProxyFactory.builder().pool(pool).build();
 * Pricing pricing = factory.createClient(Pricing.class);
 * </pre>
 *
 * Thread contract: immutable, thread-safe; so are the implementations it creates.
 */
public final class PythonModuleProxyFactory {

	/**
	 * The name of the default pool, the one configured under {@code python.pool}.
	 */
	public static final String DEFAULT_POOL = "default";

	/**
	 * Items fetched at once by a {@code Stream} or {@code Iterator} method unless configured otherwise.
	 */
	public static final int DEFAULT_STREAM_BATCH_SIZE = 128;

	private static final JsonMapper DEFAULT_JSON_MAPPER = JsonMapper.builder().build();

	private final Map<String, PythonPool> pools;

	private final JsonValues values;

	private final int streamBatchSize;

	private final boolean validate;

	private PythonModuleProxyFactory(Builder builder) {
		this.pools = Map.copyOf(builder.pools);
		this.values = new JsonValues(builder.jsonMapper);
		this.streamBatchSize = builder.streamBatchSize;
		this.validate = builder.validate;
	}

	/**
	 * Start building a factory.
	 * @return a builder with Jackson's default {@code JsonMapper}, batches of
	 * {@value #DEFAULT_STREAM_BATCH_SIZE} and validation on
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Create the implementation of an interface, after checking its methods and, unless turned off, that its
	 * module imports in one interpreter of its pool and that every method's function exists, is callable and accepts
	 * the method's arguments.
	 * @param <T> the interface
	 * @param type the interface, annotated {@link PythonModule}
	 * @return the implementation
	 * @throws PythonModuleValidationException naming each method that cannot be served
	 * @throws IllegalArgumentException if {@code type} is not an interface annotated {@link PythonModule}
	 */
	public <T> T createClient(Class<T> type) {
		PythonModule annotation = type.getAnnotation(PythonModule.class);
		if (!type.isInterface() || annotation == null) {
			throw new IllegalArgumentException(type.getName() + " is not an interface annotated @PythonModule");
		}
		PythonPool pool = this.pools.get(annotation.pool());
		if (pool == null) {
			throw new PythonModuleValidationException(type, List.of(new Problem(Kind.POOL, type.getSimpleName(),
					"pool '" + annotation.pool() + "' does not exist (pools: " + this.pools.keySet() + ")")));
		}
		ModuleInvocationHandler handler = ModuleInvocationHandler.of(type, annotation.value(), pool, this.values,
				this.streamBatchSize);
		if (this.validate) {
			handler.validate();
		}
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
	}

	/**
	 * Builds a {@link PythonModuleProxyFactory}.
	 * <p>
	 * Thread contract: confined to the thread that builds.
	 */
	public static final class Builder {

		private final Map<String, PythonPool> pools = new LinkedHashMap<>();

		private JsonMapper jsonMapper = DEFAULT_JSON_MAPPER;

		private int streamBatchSize = DEFAULT_STREAM_BATCH_SIZE;

		private boolean validate = true;

		private Builder() {
		}

		/**
		 * The default pool, for interfaces with {@code pool = "default"}.
		 * @param pool the pool
		 * @return this builder
		 */
		public Builder pool(PythonPool pool) {
			return pool(DEFAULT_POOL, pool);
		}

		/**
		 * A pool by the name {@link PythonModule#pool()} gives it.
		 * @param name the name
		 * @param pool the pool
		 * @return this builder
		 */
		public Builder pool(String name, PythonPool pool) {
			this.pools.put(name, pool);
			return this;
		}

		/**
		 * The mapper through which records, POJOs, {@code BigDecimal}, dates and enums cross, normally the
		 * application's; Jackson's default {@code JsonMapper} unless set.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = jsonMapper;
			return this;
		}

		/**
		 * How many items a {@code Stream} or {@code Iterator} method fetches from Python at once.
		 * @param streamBatchSize at least 1
		 * @return this builder
		 */
		public Builder streamBatchSize(int streamBatchSize) {
			if (streamBatchSize < 1) {
				throw new IllegalArgumentException("streamBatchSize must be at least 1 but was " + streamBatchSize);
			}
			this.streamBatchSize = streamBatchSize;
			return this;
		}

		/**
		 * Whether {@link #createClient(Class)} checks the module and its functions in the pool.
		 * @param validate {@code false} to create implementations without borrowing an interpreter
		 * @return this builder
		 */
		public Builder validate(boolean validate) {
			this.validate = validate;
			return this;
		}

		/**
		 * Build the factory.
		 * @return the factory
		 */
		public PythonModuleProxyFactory build() {
			return new PythonModuleProxyFactory(this);
		}

	}

}
