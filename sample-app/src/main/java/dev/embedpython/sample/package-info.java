/**
 * The embedpython sample application: a text-analytics web service whose work is done by Python modules shipped
 * in {@code src/main/resources/python/}.
 */
@NullMarked
package dev.embedpython.sample;

import org.jspecify.annotations.NullMarked;
