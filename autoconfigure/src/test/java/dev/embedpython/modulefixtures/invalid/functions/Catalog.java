package dev.embedpython.modulefixtures.invalid.functions;

import java.util.List;

import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: functions missing, not callable, or not taking the arguments.
 */
@PythonModule("mt_prices")
public interface Catalog {

	int count();

	@PythonFunction("list_sku")
	List<String> skus();

	@PythonFunction("TAX_RATE")
	double taxRate();

	int quote(String sku);

	int discounted(String sku, int quantity, @Kw("rebate") int rebate);

}
