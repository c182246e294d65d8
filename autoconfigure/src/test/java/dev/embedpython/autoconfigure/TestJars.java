package dev.embedpython.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Builds jars for the {@code python.path} tests.
 */
final class TestJars {

	private TestJars() {
	}

	/**
	 * Write a jar with an entry for every directory, as Maven and Spring Boot write them (a classpath lookup of a
	 * directory needs one). Entries ending in {@code .jar} are stored uncompressed, as in an executable jar.
	 * @param jar where to write it
	 * @param files the files by entry name: text, or {@code byte[]}
	 * @return the jar
	 * @throws IOException if it cannot be written
	 */
	static Path jar(Path jar, Map<String, ?> files) throws IOException {
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
			Set<String> directories = new TreeSet<>();
			for (String name : files.keySet()) {
				for (int slash = name.indexOf('/'); slash != -1; slash = name.indexOf('/', slash + 1)) {
					directories.add(name.substring(0, slash + 1));
				}
			}
			for (String directory : directories) {
				jarOut.putNextEntry(new JarEntry(directory));
				jarOut.closeEntry();
			}
			for (Map.Entry<String, ?> file : new TreeMap<>(files).entrySet()) {
				byte[] content = (file.getValue() instanceof byte[] bytes) ? bytes
						: file.getValue().toString().getBytes(StandardCharsets.UTF_8);
				JarEntry entry = new JarEntry(file.getKey());
				if (file.getKey().endsWith(".jar")) {
					// Nested jars of an executable jar are stored, so that they can be read in place.
					CRC32 crc = new CRC32();
					crc.update(content);
					entry.setMethod(ZipEntry.STORED);
					entry.setSize(content.length);
					entry.setCompressedSize(content.length);
					entry.setCrc(crc.getValue());
				}
				jarOut.putNextEntry(entry);
				jarOut.write(content);
				jarOut.closeEntry();
			}
		}
		return jar;
	}

}
