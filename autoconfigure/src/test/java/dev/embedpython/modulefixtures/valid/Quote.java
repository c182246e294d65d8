package dev.embedpython.modulefixtures.valid;

import java.math.BigDecimal;

/**
 * A price quote, from the dict {@code mt_prices.quote} returns.
 *
 * @param sku the article
 * @param quantity how many
 * @param total the price of all of them
 */
public record Quote(String sku, int quantity, BigDecimal total) {
}
