package io.github.inferredproxy.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TrustPolicy}.
 */
class TrustPolicyTests {

	private static final HeaderLookup NO_HEADERS = (name) -> null;

	@Test
	void noPolicyTrustsEveryRequestWithoutLookingAtIt() {
		TrustPolicy policy = TrustPolicy.none();
		assertThat(policy.isEnabled()).isFalse();
		assertThat(policy.isTrusted((name) -> {
			throw new AssertionError("looked up " + name);
		}, () -> {
			throw new AssertionError("asked for the remote address");
		})).isTrue();
	}

	@Test
	void sharedSecretMatches() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret-Value");
		assertThat(policy.isEnabled()).isTrue();
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "s3cret-Value"), unknownAddress())).isTrue();
		// Header names match ignoring case; values trimmed and unquoted as every gateway
		// header.
		assertThat(policy.isTrusted(headers("X-DD-Proxy-Secret", " 's3cret-Value' "), unknownAddress())).isTrue();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "s3cret-value", "s3cret-Valuf", "t3cret-Value", "s3cret-Valu", "s3cret-Value2",
			"s3cret-Value-s3cret-Value", "", " ", "''", "s", "s3cret-Valu\u00e9" })
	void sharedSecretMismatchIsUntrusted(String received) {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret-Value");
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", received), unknownAddress())).isFalse();
	}

	@Test
	void missingSharedSecretIsUntrusted() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret");
		assertThat(policy.isTrusted(NO_HEADERS, unknownAddress())).isFalse();
		// The secret in another header does not count.
		assertThat(policy.isTrusted(headers("x-dd-proxy-api-key", "s3cret"), unknownAddress())).isFalse();
	}

	@Test
	void sharedSecretIsComparedInConstantTime() {
		// A prefix, the secret plus more, and a different value of the same length all
		// fail: the comparison is MessageDigest.isEqual over the bytes, not a
		// String.startsWith or an early return on the first differing character. Timing
		// itself cannot be asserted reliably in a unit test.
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("abcdef");
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "abcde"), unknownAddress())).isFalse();
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "abcdefg"), unknownAddress())).isFalse();
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "abcdeF"), unknownAddress())).isFalse();
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "abcdef"), unknownAddress())).isTrue();
	}

	@Test
	void sharedSecretHeaderCanBeRenamed() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret").withSharedSecretHeader("X-Gateway-Token");
		assertThat(policy.isTrusted(headers("x-gateway-token", "s3cret"), unknownAddress())).isTrue();
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "s3cret"), unknownAddress())).isFalse();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", " ", "''", " ' ' ", "s3cr\u00e9t", "line\nbreak", "tab\there" })
	void blankOrNonAsciiSecretIsRefused(String secret) {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustPolicy.none().withSharedSecret(secret));
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", " ", "x dd", "x-dd:proxy", "x-dd\r\nproxy" })
	void invalidSharedSecretHeaderIsRefused(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustPolicy.none().withSharedSecretHeader(name));
	}

	@Test
	void sharedSecretDoesNotNeedTheRemoteAddress() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret");
		assertThat(policy.isTrusted(headers("x-dd-proxy-secret", "s3cret"), () -> {
			throw new AssertionError("asked for the remote address");
		})).isTrue();
	}

	@ParameterizedTest(name = "{0} contains {1}: {2}")
	@CsvSource({ "10.0.0.0/8, 10.0.0.0, true", "10.0.0.0/8, 10.255.255.255, true", "10.0.0.0/8, 9.255.255.255, false",
			"10.0.0.0/8, 11.0.0.0, false", "192.168.4.0/22, 192.168.7.255, true", "192.168.4.0/22, 192.168.8.0, false",
			"192.168.4.0/22, 192.168.3.255, false", "172.16.0.0/12, 172.31.1.1, true",
			"172.16.0.0/12, 172.32.0.1, false", "203.0.113.7/32, 203.0.113.7, true",
			"203.0.113.7/32, 203.0.113.6, false", "203.0.113.7, 203.0.113.7, true", "203.0.113.7, 203.0.113.8, false",
			"0.0.0.0/0, 198.51.100.1, true", "0.0.0.0/0, 2001:db8::1, false", "127.0.0.0/8, 127.0.0.1, true",
			// IPv4-mapped IPv6 remote addresses match IPv4 networks.
			"10.0.0.0/8, ::ffff:10.1.2.3, true", "10.0.0.0/8, ::FFFF:a01:203, true",
			"10.0.0.0/8, ::ffff:11.1.2.3, false", "::ffff:10.0.0.0/104, 10.9.9.9, true",
			"::ffff:10.0.0.0/104, 11.9.9.9, false",
			// IPv6
			"2001:db8::/32, 2001:db8::1, true", "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
			"2001:db8::/32, 2001:db9::, false", "2001:db8::/32, 2001:db7:ffff::1, false",
			"2001:db8:0:8000::/49, 2001:db8:0:ffff::1, true", "2001:db8:0:8000::/49, 2001:db8:0:7fff::1, false",
			"::1/128, ::1, true", "::1/128, ::2, false", "::1, 0:0:0:0:0:0:0:1, true", "::/0, 2001:db8::1, true",
			"::/0, 10.0.0.1, false", "fe80::/10, fe80::1%eth0, true", "fe80::/10, [fe80::1], true",
			"fd00::/8, FD12:3456:789A::1, true", "64:ff9b::/96, 64:ff9b::192.0.2.33, true",
			// IPv6 networks never match IPv4 addresses and the other way round.
			"::/96, 10.0.0.1, false", "10.0.0.0/8, 0a00::, false" })
	void networkContains(String network, String remoteAddress, boolean trusted) {
		TrustPolicy policy = TrustPolicy.none().withNetwork(network);
		assertThat(policy.isTrusted(NO_HEADERS, () -> remoteAddress)).isEqualTo(trusted);
	}

	@Test
	void anyOfSeveralNetworks() {
		TrustPolicy policy = TrustPolicy.none().withNetwork("10.0.0.0/8").withNetwork("2001:db8::/32");
		assertThat(policy.isTrusted(NO_HEADERS, () -> "10.1.1.1")).isTrue();
		assertThat(policy.isTrusted(NO_HEADERS, () -> "2001:db8::5")).isTrue();
		assertThat(policy.isTrusted(NO_HEADERS, () -> "192.0.2.1")).isFalse();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "localhost", "example.com", "", "10.0.0", "1.2.3.4.5", "256.0.0.1", "unknown", "10.0.0.01",
			"0x0a.0.0.1", "::g", "1::2::3", "1:2:3:4:5:6:7:8:9", "10.0.0.1%eth0", "::ffff:1.2.3" })
	void remoteAddressThatIsNotAnIpLiteralIsUntrusted(String remoteAddress) {
		TrustPolicy policy = TrustPolicy.none().withNetwork("0.0.0.0/0").withNetwork("::/0");
		assertThat(policy.isTrusted(NO_HEADERS, () -> remoteAddress)).isFalse();
	}

	@Test
	void unknownRemoteAddressIsUntrusted() {
		TrustPolicy policy = TrustPolicy.none().withNetwork("0.0.0.0/0");
		assertThat(policy.isTrusted(NO_HEADERS, unknownAddress())).isFalse();
	}

	@Test
	void remoteAddressIsAskedForOnlyWithNetworks() {
		AtomicInteger calls = new AtomicInteger();
		Supplier<@Nullable String> address = () -> {
			calls.incrementAndGet();
			return "10.0.0.1";
		};
		TrustPolicy.none().withSharedSecret("s").isTrusted(headers("x-dd-proxy-secret", "s"), address);
		assertThat(calls).hasValue(0);
		TrustPolicy.none().withNetwork("10.0.0.0/8").isTrusted(NO_HEADERS, address);
		assertThat(calls).hasValue(1);
	}

	@Test
	void secretAndNetworksMustBothHold() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret").withNetwork("10.0.0.0/8");
		HeaderLookup withSecret = headers("x-dd-proxy-secret", "s3cret");
		assertThat(policy.isTrusted(withSecret, () -> "10.0.0.1")).isTrue();
		assertThat(policy.isTrusted(withSecret, () -> "192.0.2.1")).isFalse();
		assertThat(policy.isTrusted(NO_HEADERS, () -> "10.0.0.1")).isFalse();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", " ", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
			"10.0.0.0/0x8", "10.0.0/8", "localhost", "localhost/8", "example.com/24", "10.0.0.0/ 8", "2001:db8::/129",
			"2001:db8::/1000", "2001:db8:::/32", "fe80::1%eth0", "::ffff:10.0.0.0/95", "10.0.0.1/8", "11.0.0.0/7",
			"2001:db8::1/32", "10.0.0.256", "10.00.0.0/8", "[::1]" })
	void invalidNetworkIsRefused(String cidr) {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustPolicy.none().withNetwork(cidr));
	}

	@Test
	void hostBitsFailureSuggestsTheNetwork() {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustPolicy.none().withNetwork("10.1.2.3/8"))
			.withMessageContaining("10.0.0.0/8");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustPolicy.none().withNetwork("2001:db8::1/32"))
			.withMessageContaining("2001:db8:0:0:0:0:0:0/32");
	}

	@Test
	void networkPrefixLengthNeedNotBeAMultipleOfEight() {
		TrustPolicy policy = TrustPolicy.none().withNetwork("10.0.0.0/7");
		assertThat(policy.isTrusted(NO_HEADERS, () -> "11.255.255.255")).isTrue();
		assertThat(policy.isTrusted(NO_HEADERS, () -> "12.0.0.0")).isFalse();
		assertThat(policy.isTrusted(NO_HEADERS, () -> "9.255.255.255")).isFalse();
	}

	@Test
	void networkWithSurroundingBlanksIsAccepted() {
		TrustPolicy policy = TrustPolicy.none().withNetwork(" 10.0.0.0/8 ");
		assertThat(policy.isTrusted(NO_HEADERS, () -> "10.0.0.1")).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "0.0.0.0, 0.0.0.0", "255.255.255.255, 255.255.255.255", "::, 0:0:0:0:0:0:0:0", "1::, 1:0:0:0:0:0:0:0",
			"::1, 0:0:0:0:0:0:0:1", "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
			"::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8", "1::8, 1:0:0:0:0:0:0:8", "::ffff:0:0, 0.0.0.0",
			"::ffff:192.0.2.1, 192.0.2.1", "::192.0.2.1, 0:0:0:0:0:0:c000:201",
			"1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304", "ABCD:ef01::, abcd:ef01:0:0:0:0:0:0" })
	void parsesIpLiterals(String text, String expected) throws Exception {
		byte[] address = TrustPolicy.parseAddress(text);
		assertThat(address).isNotNull();
		assertThat(java.net.InetAddress.getByAddress(address).getHostAddress()).isEqualTo(expected);
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":1::", "1::2:",
			"12345::", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::\uff11", "\uff11.0.0.1", "1.2.3.-4" })
	void refusesWhatIsNotAnIpLiteral(String text) {
		assertThat(TrustPolicy.parseAddress(text)).isNull();
	}

	@Test
	void toStringHidesTheSecret() {
		TrustPolicy policy = TrustPolicy.none().withSharedSecret("s3cret").withNetwork("10.0.0.0/8");
		assertThat(policy).hasToString("TrustPolicy[sharedSecret=in x-dd-proxy-secret, networks=[10.0.0.0/8]]");
	}

	private static Supplier<@Nullable String> unknownAddress() {
		return () -> null;
	}

	private static HeaderLookup headers(String name, String value) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.put(name, value);
		return headers::get;
	}

}
