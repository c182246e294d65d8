package dev.embedpython.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.embedpython.PrivateTree;
import org.junit.jupiter.api.Assumptions;

/**
 * A directory seen read-only: as root, a read-only bind mount of it (root may write anywhere else); otherwise the
 * directory itself with its write bit removed.
 */
final class ReadOnlyView implements AutoCloseable {

	private final Path source;

	private final Path path;

	private final boolean mounted;

	private ReadOnlyView(Path source, Path path, boolean mounted) {
		this.source = source;
		this.path = path;
		this.mounted = mounted;
	}

	static ReadOnlyView of(Path source, Path mountPoint) throws Exception {
		if (PrivateTree.currentUid() == 0) {
			Files.createDirectories(mountPoint);
			// Root may write anywhere a file system lets it: only a read-only mount shows the read-only case.
			Assumptions.assumeTrue(Mounts.run("mount", "--bind", source.toString(), mountPoint.toString()),
					"needs mount (CAP_SYS_ADMIN) when running as root");
			if (!Mounts.run("mount", "-o", "remount,ro,bind", mountPoint.toString())) {
				Mounts.run("umount", mountPoint.toString());
				throw new IllegalStateException("remounting read-only failed");
			}
			return new ReadOnlyView(source, mountPoint, true);
		}
		Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("r-x------"));
		return new ReadOnlyView(source, source, false);
	}

	Path path() {
		return this.path;
	}

	@Override
	public void close() throws Exception {
		if (this.mounted) {
			// lazily: the in-use lock keeps a file of the tree open for the life of this JVM
			Mounts.run("umount", "-l", this.path.toString());
		}
		else {
			Files.setPosixFilePermissions(this.source, PosixFilePermissions.fromString("rwx------"));
		}
	}

}
