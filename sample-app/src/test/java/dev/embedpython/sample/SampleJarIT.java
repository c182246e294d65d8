package dev.embedpython.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repackaged application as users run it, {@code java -jar} in a child JVM (failsafe runs this after
 * {@code package}, on the jar the build just made): the Python modules import from inside the jar, and on SIGTERM a
 * request already being served completes, its Python call running after the signal, before the pools close.
 */
class SampleJarIT {

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	/** The build runs on the JDK that runs this test: on 22+ it compiles the FFM binding into core's jar. */
	private static final boolean JDK22 = Runtime.version().feature() >= 22;

	@Test
	void packagedJarServesPythonModulesFromInsideTheJar() throws Exception {
		try (App app = App.start()) {
			HttpResponse<String> analysis = app.post("/api/analyze", "{\"text\": \"The cat sat on the mat. It was happy.\"}");
			assertThat(analysis.statusCode()).isEqualTo(200);
			assertThat(analysis.body()).contains("\"words\":9").contains("\"language\":{\"code\":\"en\"");
			HttpResponse<String> render = app.post("/api/render",
					"{\"template\": \"Dear $name\", \"values\": {\"name\": \"Ada\"}}");
			assertThat(render.statusCode()).isEqualTo(200);
			assertThat(render.body()).contains("\"text\":\"Dear Ada\"");
			// numpy and openblas, nested jars under BOOT-INF/lib, were extracted beside the runtime.
			HttpResponse<String> similarity = app.post("/api/similarity",
					"{\"texts\": [\"the cat sat\", \"The cat sat!\", \"stocks fell\"]}");
			assertThat(similarity.statusCode()).as(similarity.body()).isEqualTo(200);
			assertThat(similarity.body()).startsWith("{\"texts\":3,\"matrix\":[[").contains(",0.0]");
			assertThat(app.output).anyMatch((line) -> line.contains("Python packages from jars: numpy 2.4.2-1.5.13 "
					+ "(numpy-2.4.2-1.5.13-linux-x86_64.jar -> " + App.cacheDir().resolve("numpy-2.4.2-1.5.13.r")));
			// classpath:python/ inside the jar was extracted under the configured cache directory.
			HttpResponse<String> info = app.get("/api/python");
			assertThat(info.body()).contains("\"bundled\":true").contains(App.cacheDir().toString());
			// The FFM binding from the nested core jar's META-INF/versions/22 on JDK 22+; started without
			// --enable-native-access, the jar's Enable-Native-Access attribute keeps JNA and FFM from warning.
			assertThat(app.output).anyMatch((line) -> line.contains("CPython binding: " + (JDK22 ? "FFM" : "JNA")));
			assertThat(app.output).noneMatch((line) -> line.contains("restricted method"));
		}
	}

	@Test
	void packagedCoreJarIsMultiReleaseWithTheFfmBindingWhenBuiltOnJdk22() throws IOException {
		try (JarFile jar = new JarFile(Path.of(System.getProperty("embedpython.sample.jar")).toFile())) {
			assertThat(jar.getManifest().getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
			JarEntry core = jar.stream()
				.filter((entry) -> entry.getName().matches("BOOT-INF/lib/embedpython-core-[^/]*\\.jar"))
				.findFirst()
				.orElseThrow();
			List<String> names = new ArrayList<>();
			Manifest manifest;
			try (JarInputStream nested = new JarInputStream(jar.getInputStream(core))) {
				manifest = nested.getManifest();
				for (JarEntry entry; (entry = nested.getNextJarEntry()) != null;) {
					names.add(entry.getName());
				}
			}
			assertThat(names).contains("dev/embedpython/capi/JnaCApi.class");
			if (JDK22) {
				assertThat(manifest.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
				assertThat(names).contains("META-INF/versions/22/dev/embedpython/capi/FfmCApi.class");
			}
			else {
				assertThat(names).noneMatch((name) -> name.startsWith("META-INF/versions/"));
			}
		}
	}

	@Test
	void sigtermLetsARequestInFlightCallPythonAndCompleteBeforeThePoolsClose() throws Exception {
		try (App app = App.start()) {
			byte[] body = "{\"text\": \"Still served after the signal.\"}".getBytes(StandardCharsets.UTF_8);
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.port)) {
				socket.setSoTimeout(60_000);
				OutputStream out = socket.getOutputStream();
				String head = "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
						+ "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
				out.write(head.getBytes(StandardCharsets.US_ASCII));
				out.write(body, 0, 10);
				out.flush();
				// The dispatcher servlet has the request (it logs the dispatch before reading the body).
				app.awaitOutput("POST \"/api/analyze\"", Duration.ofSeconds(60));
				// SIGTERM, through the handle: Process.destroy() would also close the pipes the output comes through.
				assertThat(app.process.toHandle().destroy()).isTrue();
				app.awaitOutput("Commencing graceful shutdown", Duration.ofSeconds(60));
				// Only now does the controller get its body and call Python.
				out.write(body, 10, body.length - 10);
				out.flush();
				String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(response).startsWith("HTTP/1.1 200").contains("\"words\":5");
			}
			assertThat(app.process.waitFor(60, TimeUnit.SECONDS)).as("the application exits").isTrue();
			assertThat(app.output).anyMatch((line) -> line.contains("Graceful shutdown complete"));
		}
	}

	/**
	 * The sample application in a child JVM, its output collected line by line; closing it kills what is left.
	 */
	private static final class App implements AutoCloseable {

		final Process process;

		final List<String> output = new CopyOnWriteArrayList<>();

		final int port;

		private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

		private App(Process process) {
			this.process = process;
			Thread reader = new Thread(() -> read(process.getInputStream()), "sample-app-output");
			reader.setDaemon(true);
			reader.start();
			String started = awaitOutput("Tomcat started on port", STARTUP);
			Matcher matcher = PORT.matcher(started);
			assertThat(matcher.find()).isTrue();
			this.port = Integer.parseInt(matcher.group(1));
		}

		static Path cacheDir() {
			return Path.of(System.getProperty("embedpython.test.cache", "target/embedpython-cache")).toAbsolutePath();
		}

		static App start() throws IOException {
			Path jar = Path.of(System.getProperty("embedpython.sample.jar"));
			assertThat(jar).isRegularFile();
			Path java = Path.of(System.getProperty("java.home"), "bin", "java");
			List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx384m",
					"-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "embedpython-sample-it-hs_err_%p.log"),
					"-jar", jar.toString(), "--server.port=0", "--python.cache-dir=" + cacheDir(),
					"--python.pool.size=1", "--spring.main.banner-mode=off",
					"--logging.level.org.springframework.web.servlet.DispatcherServlet=DEBUG"));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			try {
				return new App(process);
			}
			catch (RuntimeException | Error ex) {
				process.destroyForcibly();
				throw ex;
			}
		}

		private void read(InputStream in) {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
				for (String line; (line = reader.readLine()) != null;) {
					this.output.add(line);
				}
			}
			catch (IOException ex) {
				this.output.add("[output reader] " + ex);
			}
		}

		String awaitOutput(String text, Duration timeout) {
			Awaitility.await("'" + text + "' in the application's output")
				.atMost(timeout)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> this.output.stream().anyMatch((line) -> line.contains(text)) || !this.process.isAlive());
			return this.output.stream()
				.filter((line) -> line.contains(text))
				.findFirst()
				.orElseThrow(() -> new AssertionError("The application exited without printing '" + text + "':\n"
						+ String.join("\n", this.output)));
		}

		HttpResponse<String> get(String path) throws IOException, InterruptedException {
			return this.client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		}

		HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
			return this.client.send(HttpRequest.newBuilder(uri(path))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
		}

		private URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		@Override
		public void close() throws InterruptedException {
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
			}
			this.process.waitFor(30, TimeUnit.SECONDS);
		}

	}

}
