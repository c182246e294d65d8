package dev.embedpython.autoconfigure.test.slice;

import dev.embedpython.PythonPool;
import dev.embedpython.PythonTemplate;
import dev.embedpython.autoconfigure.module.PythonModule;

import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;
import org.springframework.stereotype.Service;

/**
 * Components of {@link SliceApplication}: three that use Python (one through a {@code @PythonModule} interface), one
 * that does not, one controller.
 */
final class SliceComponents {

	private SliceComponents() {
	}

	@Service
	static class Pricing {

		private final PythonTemplate python;

		Pricing(PythonTemplate python) {
			this.python = python;
		}

		long quote(int quantity) {
			Long price = this.python.eval(quantity + " * 3", Long.class);
			return (price != null) ? price : -1;
		}

	}

	@Component
	static class PoolUser {

		final PythonPool pool;

		PoolUser(PythonPool pool) {
			this.pool = pool;
		}

	}

	@PythonModule("math")
	interface MathFunctions {

		double hypot(double x, double y);

	}

	@Service
	static class Geometry {

		private final MathFunctions math;

		Geometry(MathFunctions math) {
			this.math = math;
		}

		double diagonal(double width, double height) {
			return this.math.hypot(width, height);
		}

	}

	@Service
	static class Unrelated {

	}

	@Controller
	static class PricingController {

		PricingController(PythonTemplate python) {
		}

	}

}
