package dev.embedpython.modulefixtures.valid;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * From the dataclass {@code mt_prices.Shipment}: dates, an aware datetime, an enum and a timedelta.
 *
 * @param sku the article
 * @param shipped the day it left
 * @param at the instant it left
 * @param tier the customer's tier
 * @param transit how long it travels
 */
public record Shipment(String sku, LocalDate shipped, Instant at, Tier tier, Duration transit) {

	/**
	 * Customer tiers, named like {@code mt_prices.Tier}'s members.
	 */
	public enum Tier {

		/** The first. */
		BRONZE,

		/** The last. */
		GOLD

	}

}
