package dev.embedpython;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Standard-library C extensions load (libffi, OpenSSL, sqlite, zlib...) in the main interpreter and in own-GIL
 * sub-interpreters. Runs on 3.14 and 3.13.
 */
@Tag("runtime-parity")
class StdlibImportTest {

	private static final String PROBE = """
			import json, decimal, sqlite3, ssl, hashlib, ctypes, datetime, zoneinfo, zlib, base64
			import xml.etree.ElementTree as ET
			con = sqlite3.connect(':memory:')
			con.execute('create table t(x)')
			con.execute('insert into t values (42)')
			row = con.execute('select x from t').fetchone()[0]
			con.close()
			result = [
			    json.dumps({'a': 1}),
			    str(decimal.Decimal('1.10') + decimal.Decimal('2.20')),
			    row,
			    hashlib.sha256(b'abc').hexdigest()[:8],
			    ctypes.sizeof(ctypes.c_int64),
			    datetime.date(2024, 2, 29).isoformat(),
			    ET.fromstring('<a><b>x</b></a>').find('b').text,
			    ssl.OPENSSL_VERSION.split()[0],
			    base64.b64encode(zlib.compress(b'a') [:2]).decode(),
			]
			""";

	private static final List<Object> EXPECTED = List.of("{\"a\": 1}", "3.30", 42L, "ba7816bf", 8L, "2024-02-29", "x",
			"OpenSSL", "eJw=");

	@Test
	void stdlibExtensionsImportInMainAndSubInterpreters() {
		try (PythonRuntime runtime = TestRuntimes.start()) {
			assertThat(runtime.version()).startsWith(TestRuntimes.expectedMinorVersion() + ".");
			try (PythonSession session = runtime.mainInterpreter().acquire()) {
				session.exec(PROBE);
				assertThat(session.get("result")).isEqualTo(EXPECTED);
			}
			try (PythonPool pool = runtime.newPool(PoolOptions.builder().name("stdlib").size(1).build());
					PythonSession session = pool.acquire()) {
				session.exec(PROBE);
				assertThat(session.get("result")).isEqualTo(EXPECTED);
				session.exec("import sys");
				assertThat(session.eval("sys.flags.isolated", Long.class)).isEqualTo(1L);
				assertThat(session.eval("sys.version_info[:2] >= (3, 13)", Boolean.class)).isTrue();
			}
		}
	}

}
