package dev.embedpython.modulefixtures.valid;

import java.util.List;
import java.util.Optional;

import dev.embedpython.autoconfigure.module.Kw;
import dev.embedpython.autoconfigure.module.PythonFunction;
import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * One method per return type a {@code @PythonModule} interface supports.
 */
@PythonModule("mt_prices")
public interface Prices {

	Quote quote(String sku, int quantity);

	List<Quote> quotes(List<String> skus, int quantity);

	Optional<Quote> find(String sku);

	@PythonFunction("list_skus")
	List<String> skus();

	int count();

	@PythonFunction("count")
	long countAsLong();

	double price(String sku);

	boolean known(String sku);

	@PythonFunction("name_of")
	Optional<String> nameOf(String sku);

	void record(String event);

	List<String> events();

	Quote discounted(String sku, int quantity, @Kw("percent") int percent);

	@PythonFunction("discounted")
	Quote couponed(@Kw("coupon") String coupon, String sku, @Kw int percent, int quantity);

	default Quote quoteOne(String sku) {
		return quote(sku, 1);
	}

	@PythonFunction("wrong_count")
	int wrongCount();

	@PythonFunction("wrong_quote")
	Quote wrongQuote();

	@PythonFunction("wrong_quotes")
	List<Quote> wrongQuotes();

	@PythonFunction("wrong_count")
	Optional<Integer> wrongOptionalCount();

	Object unconvertible();

	@PythonFunction("needs_missing")
	Quote needsMissing();

}
