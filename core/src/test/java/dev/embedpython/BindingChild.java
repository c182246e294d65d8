package dev.embedpython;

/**
 * Starts a runtime with the binding named by its argument and prints which one runs ({@code BINDING=...}) or why
 * it was refused ({@code REFUSED=...}). Run by {@link BindingTest} in a child JVM, where nothing is bound yet.
 */
final class BindingChild {

	private BindingChild() {
	}

	public static void main(String[] args) {
		Binding requested = Binding.parse("argument", args[0]);
		try (PythonRuntime runtime = PythonRuntime.start(TestRuntimes.options().binding(requested).build())) {
			long result = runtime.mainInterpreter().execute((s) -> s.eval("6 * 7", Long.class));
			System.out.println("BINDING=" + runtime.binding() + " RESULT=" + result);
		}
		catch (PythonStartupException | IllegalArgumentException ex) {
			System.out.println("REFUSED=" + ex.getMessage());
		}
	}

}
