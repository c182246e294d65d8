package dev.embedpython.modulefixtures.valid;

import java.util.Map;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * How values cross in both directions: {@code describe} answers the Python type and value it received.
 */
@PythonModule("mt_prices")
public interface Conversions {

	Map<String, Object> describe(Object value);

	Shipment shipment(String sku);

	Point point();

	double[] samples();

	/**
	 * From the named tuple {@code mt_prices.Point}.
	 *
	 * @param x the abscissa
	 * @param y the ordinate
	 */
	record Point(int x, int y) {
	}

}
