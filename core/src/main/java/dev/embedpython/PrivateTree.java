package dev.embedpython;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Files and directories of a private cache (the extracted runtime, the Spring module's copies of classpath Python
 * code), which only this process's user (or root) may write: every check reads
 * the entry itself, never what a symbolic link points to, and refuses links, entries owned by another user, and
 * entries writable by group or others. What it creates is {@code 0700} (directories) or {@code 0600} (files),
 * whatever the umask.
 * <p>
 * What this guarantees: no other (non-root) user can have changed a file that passes, so code Python runs from the
 * cache is code this user or root put there. What it does not: it cannot tell this user's own edits (or those of
 * code running as this user) from the original, and it does not check the directories above the cache root.
 * <p>
 * Public so that integrations writing Python code into the cache (the Spring Boot module) keep the same rules.
 * <p>
 * Thread contract: stateless; any thread.
 */
public final class PrivateTree {

	/** Directories: owner only. */
	public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

	/** Files: owner only. */
	public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

	private static volatile int currentUid = -1;

	private static volatile @Nullable UserPrincipal self;

	private static volatile @Nullable UserPrincipal root;

	private PrivateTree() {
	}

	/**
	 * One regular file found by {@link #walk}.
	 *
	 * @param relative its path relative to the tree, with {@code /} separators
	 * @param size its size in bytes
	 * @param modified its modification time in milliseconds
	 */
	public record File(String relative, long size, long modified) {
	}

	/**
	 * The effective user id of this process: the owner of {@code /proc/self}.
	 * @return the uid
	 * @throws IOException if {@code /proc} cannot be read
	 */
	public static int currentUid() throws IOException {
		int uid = currentUid;
		if (uid < 0) {
			uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			currentUid = uid;
		}
		return uid;
	}

	/**
	 * Create a directory and its missing parents, each {@code 0700}.
	 * @param dir the directory
	 * @throws IOException if one cannot be created
	 */
	public static void createDirectories(@Nullable Path dir) throws IOException {
		if (dir == null || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		createDirectories(dir.getParent());
		try {
			Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
		}
		catch (FileAlreadyExistsException ex) {
			// created concurrently (a link in its place fails the check that follows every creation)
		}
	}

	/**
	 * Create a new file, {@code 0600}, and write it.
	 * @param file the file, which must not exist
	 * @param bytes its content
	 * @throws IOException if it exists or cannot be written
	 */
	public static void writeNew(Path file, byte[] bytes) throws IOException {
		Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
		Files.write(file, bytes, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Check one entry without following links.
	 * @param path the file or directory
	 * @param what how to call it in the message, e.g. {@code "Cache directory"}
	 * @param fix what to do about it, a sentence ending the message
	 * @throws PythonCacheSecurityException if it is a link, not a file or directory, owned by another user or
	 * writable by group or others
	 * @throws IOException if it cannot be read
	 */
	public static void check(Path path, String what, String fix) throws IOException {
		check(path, Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS), what, fix);
	}

	/**
	 * Check a tree and everything in it without following links, and list its regular files.
	 * @param tree the root of the tree
	 * @param what how to call entries in the message, e.g. {@code "Runtime file"}
	 * @param fix what to do about an entry that fails, a sentence ending the message
	 * @return every regular file, in no particular order
	 * @throws PythonCacheSecurityException for the first entry that fails {@link #check}
	 * @throws IOException if an entry cannot be read
	 */
	public static List<File> walk(Path tree, String what, String fix) throws IOException {
		List<File> files = new ArrayList<>();
		check(tree, what, fix);
		walk(tree, "", files, what, fix);
		return files;
	}

	private static void walk(Path dir, String prefix, List<File> files, String what, String fix) throws IOException {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
			for (Path entry : entries) {
				// One stat per entry, and the same one for the checks and the manifest's size and time.
				PosixFileAttributes attributes = Files.readAttributes(entry, PosixFileAttributes.class,
						LinkOption.NOFOLLOW_LINKS);
				check(entry, attributes, what, fix);
				String relative = prefix + entry.getFileName();
				if (attributes.isDirectory()) {
					walk(entry, relative + "/", files, what, fix);
				}
				else {
					files.add(new File(relative, attributes.size(), attributes.lastModifiedTime().toMillis()));
				}
			}
		}
	}

	private static void check(Path path, PosixFileAttributes attributes, String what, String fix)
			throws IOException {
		if (attributes.isSymbolicLink()) {
			throw new PythonCacheSecurityException(what + " '" + path + "' is a symbolic link (to '"
					+ Files.readSymbolicLink(path) + "'); the runtime cache holds no links, since a link lets whoever "
					+ "controls its target change the code Python runs. " + fix, path);
		}
		if (!attributes.isDirectory() && !attributes.isRegularFile()) {
			throw new PythonCacheSecurityException(
					what + " '" + path + "' is neither a regular file nor a directory. " + fix, path);
		}
		UserPrincipal owner = attributes.owner();
		if (!owner.equals(self()) && !owner.equals(root())) {
			throw new PythonCacheSecurityException(what + " '" + path + "' is owned by " + owner.getName()
					+ ", not by this process's user (" + self().getName() + ") or root, so that user could change "
					+ "the code Python runs. " + fix, path);
		}
		Set<PosixFilePermission> permissions = attributes.permissions();
		boolean group = permissions.contains(PosixFilePermission.GROUP_WRITE);
		boolean others = permissions.contains(PosixFilePermission.OTHERS_WRITE);
		if (group || others) {
			throw new PythonCacheSecurityException(what + " '" + path + "' is writable by "
					+ (group ? (others ? "group and others" : "its group") : "others") + " ("
					+ PosixFilePermissions.toString(permissions) + "), so another user could change the code Python "
					+ "runs. " + fix, path);
		}
	}

	private static UserPrincipal self() throws IOException {
		UserPrincipal user = self;
		if (user == null) {
			user = Files.getOwner(Path.of("/proc/self"));
			self = user;
		}
		return user;
	}

	private static UserPrincipal root() throws IOException {
		UserPrincipal user = root;
		if (user == null) {
			user = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
			root = user;
		}
		return user;
	}

	/**
	 * Delete a tree without following links; entries already gone are fine.
	 * @param tree the tree
	 * @throws IOException if an entry cannot be deleted
	 */
	public static void delete(Path tree) throws IOException {
		if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(tree)) {
			for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
				try {
					Files.delete(p);
				}
				catch (NoSuchFileException ex) {
					// gone already
				}
			}
		}
	}

}
