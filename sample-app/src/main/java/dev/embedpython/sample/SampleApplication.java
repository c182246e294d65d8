package dev.embedpython.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A text-analytics service whose logic is Python: the embedpython starter provides the runtime, the interpreter
 * pool and a {@code PythonTemplate}; the controllers call Python modules from {@code classpath:python/}.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
