package dev.embedpython.autoconfigure.test.slice;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application a {@code @PythonTest} of this package starts from.
 */
@SpringBootApplication
public class SliceApplication {

}
