package dev.embedpython.runtime;

import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A resolved CPython installation: where its library, standard library and extra site directories are.
 *
 * @param home the prefix CPython gets as {@code home} (holds {@code lib/pythonX.Y})
 * @param library the shared libpython to load
 * @param minorVersion e.g. {@code 3.14}
 * @param libffi a libffi to preload by absolute path (the bundled layout), or {@code null}
 * @param sitePackages extra site directories (a venv's {@code site-packages}), processed with
 * {@code site.addsitedir}
 * @param bundled whether this is the bundled runtime
 * @param configuredHome the path the user configured ({@code home} or venv), or the bundled directory
 */
public record PythonHome(Path home, Path library, String minorVersion, @Nullable Path libffi,
		List<Path> sitePackages, boolean bundled, Path configuredHome) {

	/**
	 * The minor version as a number pair, for comparisons.
	 * @return {@code major * 100 + minor}
	 */
	public int versionNumber() {
		return versionNumber(this.minorVersion);
	}

	/**
	 * The installation's interpreter program, for {@code sys.executable}: {@code bin/python3.X} (or
	 * {@code bin/python3}) of the configured directory (a venv's own) or of the prefix, if it is an executable file.
	 * @return the program, or {@code null} if there is none (then {@code sys.executable} stays empty)
	 */
	public @Nullable Path executable() {
		for (Path dir : java.util.List.of(this.configuredHome, this.home)) {
			for (String name : java.util.List.of("python" + this.minorVersion, "python3")) {
				Path candidate = dir.resolve("bin").resolve(name);
				if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

	static int versionNumber(String minorVersion) {
		String[] parts = minorVersion.split("\\.");
		return Integer.parseInt(parts[0]) * 100 + Integer.parseInt(parts[1]);
	}

}
