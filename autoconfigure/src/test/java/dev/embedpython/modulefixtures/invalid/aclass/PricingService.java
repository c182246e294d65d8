package dev.embedpython.modulefixtures.invalid.aclass;

import dev.embedpython.autoconfigure.module.PythonModule;

/**
 * Invalid: a class instead of an interface.
 */
@PythonModule("mt_prices")
public class PricingService {

}
