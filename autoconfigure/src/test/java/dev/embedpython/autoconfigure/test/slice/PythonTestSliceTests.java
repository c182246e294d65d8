package dev.embedpython.autoconfigure.test.slice;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonRuntime;
import dev.embedpython.autoconfigure.health.PythonHealthContributor;
import dev.embedpython.autoconfigure.test.PythonTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PythonTest @PythonTest} starts the Python auto-configuration and the components that use Python, nothing
 * else, with a pool of one interpreter.
 */
@PythonTest(properties = "python.cache-dir=${embedpython.test.cache:target/embedpython-cache}")
class PythonTestSliceTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private SliceComponents.Pricing pricing;

	@Test
	void pythonBackedServiceShouldWork() {
		assertThat(this.pricing.quote(14)).isEqualTo(42);
	}

	@Test
	void pythonModuleInterfacesShouldBeRegisteredWithBootsJsonMapper() {
		assertThat(this.context.getBean(SliceComponents.Geometry.class).diagonal(3, 4)).isEqualTo(5.0);
		assertThat(this.context.getBeanNamesForType(JsonMapper.class)).hasSize(1);
	}

	@Test
	void onlyPythonAutoConfigurationAndPythonComponentsShouldBeThere() {
		assertThat(this.context.getBeanNamesForType(PythonRuntime.class)).hasSize(1);
		assertThat(this.context.getBeanNamesForType(SliceComponents.PoolUser.class)).hasSize(1);
		assertThat(this.context.getBeanNamesForType(SliceComponents.Unrelated.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(SliceComponents.PricingController.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(PythonHealthContributor.class)).isEmpty();
	}

	@Test
	void defaultPoolShouldHaveOneInterpreter() {
		PythonPool pool = this.context.getBean(PythonPool.class);
		assertThat(pool.options().size()).isEqualTo(1);
	}

}
