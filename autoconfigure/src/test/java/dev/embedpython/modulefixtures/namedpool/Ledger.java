package dev.embedpython.modulefixtures.namedpool;

import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonModule;
import dev.embedpython.modulefixtures.valid.Quote;

/**
 * An interface on the named pool {@code batch}.
 */
@PythonModule(value = "mt_prices", pool = "batch")
public interface Ledger {

	int count();

	@PythonFunction("quote")
	Quote quote(String sku, int quantity);

}
