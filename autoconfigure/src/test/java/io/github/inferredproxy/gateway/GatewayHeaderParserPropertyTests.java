package io.github.inferredproxy.gateway;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.inferredproxy.testsupport.GatewayArbitraries;
import io.github.inferredproxy.testsupport.GatewayArbitraries.Headers;
import io.github.inferredproxy.testsupport.GatewayArbitraries.Raw;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.statistics.StatisticsReport.StatisticsReportMode;
import org.jspecify.annotations.Nullable;

/**
 * Property-based tests (jqwik) of {@link GatewayHeaderParser} against the contract
 * (README.md, "When is a gateway span created?"): for arbitrary headers, of any content
 * and length, parsing never throws, gives {@code null} only without {@code x-dd-proxy},
 * and every accepted request holds clean, bounded values and a plausible time window.
 * Failure messages and samples show values folded ({@code «x×2047»}), see
 * {@link GatewayArbitraries#describe(String)}.
 */
class GatewayHeaderParserPropertyTests {

	private static final long NOW = 1_700_000_000_000L;

	private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

	/**
	 * Any headers, any configuration: a rejection reason exactly as the contract says, or
	 * a request whose every text is clean and whose times lie in the window.
	 */
	@Property(tries = 600)
	@StatisticsReport(StatisticsReportMode.OFF)
	void anyHeadersGiveACleanRequestOrTheContractsReason(@ForAll("configs") Config config,
			@ForAll("systemValues") Raw system, @ForAll("requestTimes") RequestTime time,
			@ForAll("optionalHeaders") Headers optional) {
		String timeText = time.render(config);
		Headers headers = optional.with(GatewayHeaderParser.SYSTEM_HEADER, system.text())
			.with(GatewayHeaderParser.REQUEST_TIME_HEADER, timeText);
		GatewayHeaderParser.Result result = config.parser().parse(headers.lookup(), () -> null, config.received());
		if (system.text() == null) {
			check(result == null, () -> "null without x-dd-proxy, got " + brief(result));
			Statistics.collect("no gateway");
			return;
		}
		check(result != null, () -> "a result with x-dd-proxy " + system);
		Object expected = expectedResult(system.text(), timeText, config);
		Statistics.collect((expected instanceof Expected) ? "accepted" : expected);
		if (expected instanceof Expected accepted) {
			check(result instanceof GatewayRequest,
					() -> "accepted with time " + GatewayArbitraries.describe(timeText) + ", got " + brief(result));
			GatewayRequest request = (GatewayRequest) result;
			assertTimes(request, config, accepted);
			assertOptionalValues(request, headers, config.recordUser());
		}
		else {
			check(result == expected, () -> "expected " + expected + " for x-dd-proxy " + system + " and time "
					+ GatewayArbitraries.describe(timeText) + ", got " + brief(result));
		}
		Statistics.coverage((coverage) -> {
			coverage.check("accepted").percentage((p) -> p > 15);
			coverage.check("no gateway").count((n) -> n > 0);
			for (RejectionReason reason : new RejectionReason[] { RejectionReason.REQUEST_TIME_TOO_OLD,
					RejectionReason.REQUEST_TIME_IN_FUTURE, RejectionReason.MALFORMED_REQUEST_TIME,
					RejectionReason.MISSING_REQUEST_TIME, RejectionReason.UNSUPPORTED_SYSTEM,
					RejectionReason.INVALID_HEADER }) {
				coverage.check(reason).count((n) -> n > 0);
			}
		});
	}

	/**
	 * Every value, whatever its content and length, through one header: clean, at most
	 * {@value GatewayHeaderParser#MAX_VALUE_LENGTH} characters, cut (when cut) neither in
	 * a blank nor between the halves of a surrogate pair. Values about as long as the cap
	 * put every kind of character at the cut. As a request id, the same value is kept
	 * whole or dropped, never cut.
	 */
	@Property(tries = 1000)
	@StatisticsReport(StatisticsReportMode.OFF)
	void everyValueIsCleanAndBoundedWhereverTheCutFalls(@ForAll("headerValues") Raw value) {
		Headers headers = new Headers(Map.of()).with("x-dd-proxy", "aws-apigateway")
			.with(GatewayHeaderParser.REQUEST_TIME_HEADER, Long.toString(NOW))
			.with("x-dd-proxy-path", value.text())
			.with("x-dd-proxy-request-id", value.text());
		GatewayRequest request = (GatewayRequest) parser(Duration.ofMinutes(5), Duration.ofSeconds(5), false)
			.parse(headers.lookup(), () -> null, NOW);
		assertCleanValue("x-dd-proxy-path", value.text(), request.path());
		String expectedId = expectedRequestId(value.text());
		check(Objects.equals(request.requestId(), expectedId),
				() -> "x-dd-proxy-request-id " + value + " gave " + GatewayArbitraries.describe(request.requestId())
						+ ", expected " + GatewayArbitraries.describe(expectedId));
		String uncapped = GatewayArbitraries.uncappedClean(value.text());
		Statistics.label("cut").collect(uncapped != null && uncapped.length() > GatewayArbitraries.CAP);
		Statistics.label("huge").collect(value.text() != null && value.text().length() > 20_000);
		Statistics.label("cut").coverage((coverage) -> coverage.check(true).percentage((p) -> p > 15));
		Statistics.label("huge").coverage((coverage) -> coverage.check(true).count((n) -> n >= 3));
	}

	/**
	 * The exact edges of the window: as old as the maximum age is accepted, a millisecond
	 * older is too old; as far ahead as the tolerance is accepted (clamped, the skew
	 * recorded), a millisecond further is in the future.
	 */
	@Property(tries = 1000)
	void theWindowEndsExactlyAtTheMaximumAgeAndTheTolerance(@ForAll("boundaryConfigs") Config config) {
		GatewayHeaderParser parser = config.parser();
		long received = config.received();
		long maxAge = config.maxAgeMillis();
		long tolerance = config.toleranceMillis();

		GatewayRequest oldest = accepted(parser, received - maxAge, received);
		check(oldest.startEpochMillis() == received - maxAge && oldest.clockSkewMillis() == 0
				&& oldest.transitMillis() == maxAge, () -> "age == max age: " + brief(oldest));
		check(result(parser, received - maxAge - 1, received) == RejectionReason.REQUEST_TIME_TOO_OLD,
				() -> "age == max age + 1 ms: " + brief(result(parser, received - maxAge - 1, received)));

		GatewayRequest furthest = accepted(parser, received + tolerance, received);
		check(furthest.startEpochMillis() == received && furthest.clockSkewMillis() == tolerance
				&& furthest.transitMillis() == 0, () -> "skew == tolerance: " + brief(furthest));
		check(result(parser, received + tolerance + 1, received) == RejectionReason.REQUEST_TIME_IN_FUTURE,
				() -> "skew == tolerance + 1 ms: " + brief(result(parser, received + tolerance + 1, received)));

		GatewayRequest now = accepted(parser, received, received);
		check(now.startEpochMillis() == received && now.clockSkewMillis() == 0,
				() -> "at the receive time: " + brief(now));
		if (maxAge > 0) {
			GatewayRequest younger = accepted(parser, received - maxAge + 1, received);
			check(younger.transitMillis() == maxAge - 1, () -> "age == max age - 1 ms: " + brief(younger));
		}
		if (tolerance > 0) {
			GatewayRequest nearer = accepted(parser, received + tolerance - 1, received);
			check(nearer.clockSkewMillis() == tolerance - 1 && nearer.startEpochMillis() == received,
					() -> "skew == tolerance - 1 ms: " + brief(nearer));
		}
	}

	/**
	 * The request time is 1 to 19 ASCII digits that fit in a long, leading zeros allowed:
	 * no sign, no other digits, no 20th digit. With a window that admits every such time,
	 * a text is accepted exactly when it is one.
	 */
	@Property(tries = 1000)
	void theRequestTimeIsOneToNineteenAsciiDigits(@ForAll("digitTexts") Raw text) {
		GatewayHeaderParser parser = parser(Duration.ofMillis(Long.MAX_VALUE), Duration.ZERO, false);
		// A REST API's time: an HTTP API's 10 digits are seconds.
		Headers headers = new Headers(Map.of()).with("x-dd-proxy", "aws-apigateway")
			.with(GatewayHeaderParser.REQUEST_TIME_HEADER, text.text());
		GatewayHeaderParser.Result result = parser.parse(headers.lookup(), () -> null, Long.MAX_VALUE);
		String clean = GatewayArbitraries.uncappedClean(text.text());
		boolean epochMillis = clean != null && clean.matches("[0-9]{1,19}")
				&& new BigInteger(clean).compareTo(LONG_MAX) <= 0;
		if (epochMillis) {
			check(result instanceof GatewayRequest request && request.startEpochMillis() == Long.parseLong(clean),
					() -> "accepted as " + clean + ", got " + brief(result));
		}
		else {
			RejectionReason reason = (clean != null) ? RejectionReason.MALFORMED_REQUEST_TIME
					: GatewayArbitraries.holdsControlCharacter(text.text()) ? RejectionReason.INVALID_HEADER
							: RejectionReason.MISSING_REQUEST_TIME;
			check(result == reason, () -> "rejected as " + reason + ", got " + brief(result));
		}
	}

	private static GatewayRequest accepted(GatewayHeaderParser parser, long gatewayMillis, long received) {
		GatewayHeaderParser.Result result = result(parser, gatewayMillis, received);
		check(result instanceof GatewayRequest,
				() -> "time " + gatewayMillis + " received " + received + " accepted, got " + brief(result));
		return (GatewayRequest) result;
	}

	private static GatewayHeaderParser.Result result(GatewayHeaderParser parser, long gatewayMillis, long received) {
		Headers headers = new Headers(Map.of()).with("x-dd-proxy", "aws-apigateway")
			.with(GatewayHeaderParser.REQUEST_TIME_HEADER, Long.toString(gatewayMillis));
		return parser.parse(headers.lookup(), () -> null, received);
	}

	private static void assertTimes(GatewayRequest request, Config config, Expected expected) {
		long received = config.received();
		check(request.receivedEpochMillis() == received, () -> "receive time kept: " + brief(request));
		check(request.startEpochMillis() >= received - config.maxAgeMillis() && request.startEpochMillis() <= received,
				() -> "start within [received - max age, received]: " + brief(request) + " " + config);
		check(request.clockSkewMillis() >= 0 && request.clockSkewMillis() <= config.toleranceMillis(),
				() -> "skew within [0, tolerance]: " + brief(request) + " " + config);
		check(request.transitMillis() >= 0, () -> "transit not negative: " + brief(request));
		check(request.startEpochMillis() == expected.startMillis()
				&& request.clockSkewMillis() == expected.skewMillis(),
				() -> "start " + expected.startMillis() + " and skew " + expected.skewMillis() + ": " + brief(request));
	}

	private static void assertOptionalValues(GatewayRequest request, Headers headers, boolean recordUser) {
		assertCleanValue("x-dd-proxy-domain-name", headers.get("x-dd-proxy-domain-name"), request.domain());
		assertCleanValue("x-dd-proxy-httpmethod", headers.get("x-dd-proxy-httpmethod"), request.method());
		assertCleanValue("x-dd-proxy-path", headers.get("x-dd-proxy-path"), request.path());
		assertCleanValue("x-dd-proxy-stage", headers.get("x-dd-proxy-stage"), request.stage());
		assertCleanValue("x-dd-proxy-resource-path", headers.get("x-dd-proxy-resource-path"), request.resourcePath());
		assertCleanValue("x-dd-proxy-account-id", headers.get("x-dd-proxy-account-id"), request.accountId());
		assertCleanValue("x-dd-proxy-api-id", headers.get("x-dd-proxy-api-id"), request.apiId());
		assertCleanValue("x-dd-proxy-region", headers.get("x-dd-proxy-region"), request.region());
		if (recordUser) {
			assertCleanValue("x-dd-proxy-user", headers.get("x-dd-proxy-user"), request.user());
		}
		else {
			check(request.user() == null,
					() -> "no user unless recorded: " + GatewayArbitraries.describe(request.user()));
		}
		String raw = headers.get("x-dd-proxy-request-id");
		String expectedId = expectedRequestId(raw);
		check(Objects.equals(request.requestId(), expectedId),
				() -> "x-dd-proxy-request-id " + GatewayArbitraries.describe(raw) + " gave "
						+ GatewayArbitraries.describe(request.requestId()) + ", expected "
						+ GatewayArbitraries.describe(expectedId));
	}

	/**
	 * Any {@code X-Amzn-Trace-Id}, from well-formed ones in any field order to near
	 * misses and wild values: the X-Ray trace id is the reference model's, never a
	 * rejection of the request.
	 */
	@Property(tries = 1000)
	@StatisticsReport(StatisticsReportMode.OFF)
	void theXrayTraceIdIsTheFirstRootOfTheTraceHeaderWhenItHasTheXrayFormat(@ForAll("traceHeaders") Raw header) {
		Headers headers = new Headers(Map.of()).with("x-dd-proxy", "aws-apigateway")
			.with(GatewayHeaderParser.REQUEST_TIME_HEADER, Long.toString(NOW))
			.with("X-Amzn-Trace-Id", header.text());
		GatewayHeaderParser.Result result = parser(Duration.ofMinutes(5), Duration.ofSeconds(5), false)
			.parse(headers.lookup(), () -> null, NOW);
		check(result instanceof GatewayRequest, () -> "accepted whatever X-Amzn-Trace-Id " + header);
		String expected = expectedXrayTraceId(header.text());
		String actual = ((GatewayRequest) result).xrayTraceId();
		check(Objects.equals(actual, expected), () -> "X-Amzn-Trace-Id " + header + " gave "
				+ GatewayArbitraries.describe(actual) + ", expected " + GatewayArbitraries.describe(expected));
		Statistics.collect((expected != null) ? "root" : "none");
		Statistics.coverage((coverage) -> {
			coverage.check("root").percentage((p) -> p > 10);
			coverage.check("none").percentage((p) -> p > 20);
		});
	}

	/**
	 * The contract's model of a request id: the clean value when it is at most
	 * {@value GatewayHeaderParser#MAX_REQUEST_ID_LENGTH} characters of visible ASCII,
	 * else none.
	 */
	private static @Nullable String expectedRequestId(@Nullable String raw) {
		String clean = GatewayArbitraries.uncappedClean(raw);
		return (clean != null && clean.matches("[!-~]{1," + GatewayHeaderParser.MAX_REQUEST_ID_LENGTH + "}")) ? clean
				: null;
	}

	/**
	 * The contract's model of the X-Ray trace id: none for a header with a control
	 * character; else, of the {@code ;}-separated fields, the first whose key is
	 * {@code Root} (blanks around it allowed) gives its value, blanks around it stripped,
	 * when that is {@code 1-} + 8 + {@code -} + 24 ASCII hex digits.
	 */
	private static @Nullable String expectedXrayTraceId(@Nullable String header) {
		if (header == null || GatewayArbitraries.holdsControlCharacter(header)) {
			return null;
		}
		for (String field : header.split(";", -1)) {
			int equals = field.indexOf('=');
			if (equals >= 0 && stripBlanks(field.substring(0, equals)).equals("Root")) {
				String value = stripBlanks(field.substring(equals + 1));
				return value.matches("1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}") ? value : null;
			}
		}
		return null;
	}

	private static String stripBlanks(String text) {
		return text.replaceAll("^[ \\t]+|[ \\t]+$", "");
	}

	/**
	 * The contract for one text of a {@link GatewayRequest}: missing exactly when the
	 * header is missing, blank (after trimming and unquoting) or holds a control
	 * character; else at most the cap, not blank, no surrounding whitespace, no control
	 * character, the trimmed and unquoted value itself when that fits, else a prefix of
	 * it that does not end in the high half of a surrogate pair whose low half was cut
	 * off.
	 */
	static void assertCleanValue(String header, @Nullable String raw, @Nullable String value) {
		String uncapped = GatewayArbitraries.uncappedClean(raw);
		Supplier<String> what = () -> header + " " + GatewayArbitraries.describe(raw) + " gave "
				+ GatewayArbitraries.describe(value) + ": ";
		if (uncapped == null) {
			check(value == null, () -> what.get() + "expected none");
			return;
		}
		check(value != null, () -> what.get() + "expected a value");
		check(value.length() <= GatewayArbitraries.CAP, () -> what.get() + "longer than " + GatewayArbitraries.CAP);
		check(!value.isBlank(), () -> what.get() + "blank");
		check(!Character.isWhitespace(value.charAt(0)), () -> what.get() + "starts with whitespace");
		check(!Character.isWhitespace(value.charAt(value.length() - 1)), () -> what.get() + "ends in a blank");
		check(GatewayArbitraries.indexOfControl(value) < 0, () -> what.get() + "holds a control character");
		check(uncapped.startsWith(value), () -> what.get() + "not a prefix of the trimmed, unquoted value");
		if (uncapped.length() <= GatewayArbitraries.CAP) {
			check(value.equals(uncapped), () -> what.get() + "cut although it fits");
		}
		else {
			// A cut removes a suffix, so the only lone surrogate it can make is the high
			// half of a pair whose low half it dropped; one the header itself held is
			// kept
			// as sent, as anywhere else in a value.
			check(!(Character.isHighSurrogate(value.charAt(value.length() - 1))
					&& Character.isLowSurrogate(uncapped.charAt(value.length()))),
					() -> what.get() + "cut between the halves of a surrogate pair");
		}
	}

	/**
	 * The contract's outcome for a supported or unsupported system and a request time: an
	 * {@link Expected} acceptance or a {@link RejectionReason}.
	 */
	private static Object expectedResult(String systemHeader, @Nullable String timeHeader, Config config) {
		String system = GatewayArbitraries.uncappedClean(systemHeader);
		if (system == null) {
			return GatewayArbitraries.holdsControlCharacter(systemHeader) ? RejectionReason.INVALID_HEADER
					: RejectionReason.UNSUPPORTED_SYSTEM;
		}
		if (!system.equalsIgnoreCase("aws-apigateway") && !system.equalsIgnoreCase("aws-httpapi")
				&& !system.equalsIgnoreCase("azure-apim")) {
			return RejectionReason.UNSUPPORTED_SYSTEM;
		}
		if (timeHeader == null) {
			return RejectionReason.MISSING_REQUEST_TIME;
		}
		String time = GatewayArbitraries.uncappedClean(timeHeader);
		if (time == null) {
			return GatewayArbitraries.holdsControlCharacter(timeHeader) ? RejectionReason.INVALID_HEADER
					: RejectionReason.MISSING_REQUEST_TIME;
		}
		if (!time.matches("[0-9]{1,19}") || new BigInteger(time).compareTo(LONG_MAX) > 0) {
			return RejectionReason.MALFORMED_REQUEST_TIME;
		}
		long gateway = Long.parseLong(time);
		// An HTTP API's time in seconds (10 digits) is taken as seconds.
		if (system.equalsIgnoreCase("aws-httpapi") && time.length() == 10) {
			gateway *= 1000;
		}
		long received = config.received();
		if (gateway > received) {
			long skew = gateway - received;
			return (skew > config.toleranceMillis()) ? RejectionReason.REQUEST_TIME_IN_FUTURE
					: new Expected(received, skew);
		}
		return (received - gateway > config.maxAgeMillis()) ? RejectionReason.REQUEST_TIME_TOO_OLD
				: new Expected(gateway, 0);
	}

	private static GatewayHeaderParser parser(Duration maxAge, Duration tolerance, boolean recordUser) {
		return new GatewayHeaderParser(maxAge, tolerance, recordUser, TrustPolicy.none());
	}

	/**
	 * A result without its texts, which may be 2,048 characters each.
	 */
	private static String brief(GatewayHeaderParser.@Nullable Result result) {
		if (result instanceof GatewayRequest request) {
			return "GatewayRequest[" + request.system() + ", start=" + request.startEpochMillis() + ", received="
					+ request.receivedEpochMillis() + ", skew=" + request.clockSkewMillis() + "]";
		}
		return String.valueOf(result);
	}

	static void check(boolean condition, Supplier<String> message) {
		if (!condition) {
			throw new AssertionError(message.get());
		}
	}

	@Provide
	Arbitrary<Config> configs() {
		Arbitrary<Long> maxAge = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(300_000L)),
				Tuple.of(1, Arbitraries.of(0L, 1L, 1_000L, 86_400_000L)),
				Tuple.of(2, Arbitraries.longs().between(0, 7 * 86_400_000L)));
		Arbitrary<Long> tolerance = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(5_000L)),
				Tuple.of(1, Arbitraries.of(0L, 1L, 300_000L)), Tuple.of(2, Arbitraries.longs().between(0, 3_600_000L)));
		return Combinators.combine(maxAge, tolerance, Arbitraries.of(true, false))
			.flatAs((age, skew, recordUser) -> receiveTimes(age, skew)
				.map((received) -> new Config(age, skew, recordUser, received)));
	}

	/**
	 * Configurations whose window edges and the millisecond past them are all
	 * non-negative longs.
	 */
	@Provide
	Arbitrary<Config> boundaryConfigs() {
		return configs().filter((config) -> config.received() > config.maxAgeMillis()
				&& config.received() < Long.MAX_VALUE - config.toleranceMillis());
	}

	private static Arbitrary<Long> receiveTimes(long maxAge, long tolerance) {
		return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(NOW, NOW + 100 * 365 * 86_400_000L)),
				Tuple.of(1,
						Arbitraries.of(0L, 1L, maxAge, maxAge + 1, tolerance, Long.MAX_VALUE - tolerance - 1,
								Long.MAX_VALUE - 1, Long.MAX_VALUE)),
				Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)));
	}

	/**
	 * {@code X-Amzn-Trace-Id} values: up to five fields, each a key (mostly X-Ray's, some
	 * in the wrong case or padded) and a value (valid roots, near misses, wild values),
	 * joined by {@code ;} with or without blanks; sometimes any raw value at all.
	 */
	@Provide
	Arbitrary<Raw> traceHeaders() {
		StringArbitrary hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF");
		Arbitrary<String> root = Combinators.combine(hex.ofLength(8), hex.ofLength(24))
			.as((time, id) -> "1-" + time + "-" + id);
		Arbitrary<String> nearMiss = Combinators
			.combine(root, Arbitraries.integers().between(0, 34),
					Arbitraries.of("", "0", "g", "-", " ", "\uff11", "\u0661", "\u0000", "\t"))
			.as((valid, at, with) -> valid.substring(0, at) + with + valid.substring(Math.min(35, at + 1)));
		Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(6, root), Tuple.of(3, nearMiss),
				Tuple.of(1, Arbitraries.of("53995c3f42cd8ad8", "1", "0", "")),
				Tuple.of(1, GatewayArbitraries.rawValue()));
		Arbitrary<String> key = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("Root")),
				Tuple.of(3, Arbitraries.of("Self", "Parent", "Sampled", "Lineage", "Foo")),
				Tuple.of(2, Arbitraries.of("root", "ROOT", " Root", "Root ", "\tRoot", "XRoot", "Root\u00a0", "")));
		Arbitrary<String> blank = Arbitraries.frequency(Tuple.of(16, ""), Tuple.of(3, " "), Tuple.of(1, "  "),
				Tuple.of(1, "\t"));
		Arbitrary<String> field = Combinators
			.combine(blank, key, blank, Arbitraries.frequency(Tuple.of(8, "="), Tuple.of(1, ""), Tuple.of(1, "==")),
					blank, value, blank)
			.as((a, k, b, equals, c, v, d) -> a + k + b + equals + c + v + d);
		Arbitrary<String> fields = field.list().ofMinSize(0).ofMaxSize(4).map((list) -> String.join(";", list));
		// Without edge cases, which would put a tab or a doubled '=' into most fields.
		return Arbitraries.frequencyOf(Tuple.of(9, fields), Tuple.of(1, GatewayArbitraries.rawValue()))
			.injectNull(0.05)
			.withoutEdgeCases()
			.map(Raw::new);
	}

	@Provide
	Arbitrary<Raw> systemValues() {
		return Arbitraries.frequencyOf(Tuple.of(12, GatewayArbitraries.supportedSystem()),
				Tuple.of(1,
						Arbitraries.of("kong", "aws", "aws-apigateway-v2", "'aws-httpapi", "\"azure-apim\"",
								"aws\u2010apigateway", "aws-apigateway\u0000", "aws-\u0130pigateway")),
				Tuple.of(1, GatewayArbitraries.rawValue()))
			.injectNull(0.05)
			.map(Raw::new);
	}

	@Provide
	Arbitrary<Headers> optionalHeaders() {
		return GatewayArbitraries.optionalHeaders();
	}

	@Provide
	Arbitrary<Raw> headerValues() {
		return GatewayArbitraries.cutCandidate().map(Raw::new);
	}

	@Provide
	Arbitrary<RequestTime> requestTimes() {
		Arbitrary<Offset> offset = Arbitraries.frequencyOf(
				Tuple.of(3, Arbitraries.of(Offset.NOW, Offset.WITHIN, Offset.OLDEST, Offset.FURTHEST)),
				Tuple.of(4, Arbitraries.of(Offset.class)));
		Arbitrary<Format> format = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Format.PLAIN)),
				Tuple.of(2, Arbitraries.of(Format.class)));
		return Combinators.combine(offset, Arbitraries.longs(), format, Arbitraries.integers().between(1, 21))
			.as(RequestTime::new);
	}

	@Provide
	Arbitrary<Raw> digitTexts() {
		Arbitrary<String> digits = Arbitraries.strings().numeric().ofMaxLength(22);
		Arbitrary<String> unicodeDigits = Arbitraries.strings()
			.withChars("0123456789\u0660\u0661\u0669\u06f0\u0966\u096f\uff10\uff19\u00b2\u2460+-. \t'")
			.ofMaxLength(20);
		Arbitrary<String> edges = Arbitraries.of("0", "1", "9".repeat(19), "9".repeat(20), "0".repeat(19),
				"0".repeat(20), "0".repeat(18) + "1", "0".repeat(19) + "1", Long.toString(Long.MAX_VALUE),
				"9223372036854775808", "09223372036854775807", "+1", "-1", "-0", "+0", "1 2", "1_000", "1e3", "0x1F",
				"1.0", "\u0661\u0662", "\uff11", "'42'", " 42\t", "'42", "\"42\"", "", " ", "''", "42\n");
		return Arbitraries.frequencyOf(Tuple.of(3, digits), Tuple.of(2, unicodeDigits), Tuple.of(2, edges))
			.map(Raw::new);
	}

	/**
	 * A parser configuration and the receive time.
	 */
	record Config(long maxAgeMillis, long toleranceMillis, boolean recordUser, long received) {

		GatewayHeaderParser parser() {
			return new GatewayHeaderParser(Duration.ofMillis(this.maxAgeMillis),
					Duration.ofMillis(this.toleranceMillis), this.recordUser, TrustPolicy.none());
		}

	}

	/**
	 * An accepted request's start and skew.
	 */
	record Expected(long startMillis, long skewMillis) {

	}

	/**
	 * Where a request time lies relative to the receive time.
	 */
	enum Offset {

		OLDEST, TOO_OLD, OLDEST_PLUS_ONE, NOW, ONE_MS_AGO, ONE_MS_AHEAD, FURTHEST, TOO_FAR, FURTHEST_MINUS_ONE,
		AHEAD_BY_MAX_AGE, AHEAD_BY_MAX_AGE_PLUS_ONE, BEHIND_BY_TOLERANCE, BEHIND_BY_TOLERANCE_PLUS_ONE, WITHIN,
		ANYWHERE, EPOCH, AT_LONG_MAX, PAST_LONG_MAX, NINETEEN_NINES, TWENTY_DIGITS;

		BigInteger time(Config config, long random) {
			BigInteger received = BigInteger.valueOf(config.received());
			BigInteger maxAge = BigInteger.valueOf(config.maxAgeMillis());
			BigInteger tolerance = BigInteger.valueOf(config.toleranceMillis());
			return switch (this) {
				case OLDEST -> received.subtract(maxAge);
				case TOO_OLD -> received.subtract(maxAge).subtract(BigInteger.ONE);
				case OLDEST_PLUS_ONE -> received.subtract(maxAge).add(BigInteger.ONE);
				case NOW -> received;
				case ONE_MS_AGO -> received.subtract(BigInteger.ONE);
				case ONE_MS_AHEAD -> received.add(BigInteger.ONE);
				case FURTHEST -> received.add(tolerance);
				case TOO_FAR -> received.add(tolerance).add(BigInteger.ONE);
				case FURTHEST_MINUS_ONE -> received.add(tolerance).subtract(BigInteger.ONE);
				case AHEAD_BY_MAX_AGE -> received.add(maxAge);
				case AHEAD_BY_MAX_AGE_PLUS_ONE -> received.add(maxAge).add(BigInteger.ONE);
				case BEHIND_BY_TOLERANCE -> received.subtract(tolerance);
				case BEHIND_BY_TOLERANCE_PLUS_ONE -> received.subtract(tolerance).subtract(BigInteger.ONE);
				case WITHIN -> received.subtract(maxAge)
					.add(BigInteger.valueOf(random).mod(maxAge.add(tolerance).add(BigInteger.ONE)));
				case ANYWHERE -> received.add(BigInteger.valueOf(random));
				case EPOCH -> BigInteger.ZERO;
				case AT_LONG_MAX -> LONG_MAX;
				case PAST_LONG_MAX -> LONG_MAX.add(BigInteger.ONE);
				case NINETEEN_NINES -> new BigInteger("9".repeat(19));
				case TWENTY_DIGITS -> BigInteger.TEN.pow(19);
			};
		}

	}

	/**
	 * How a request time is written.
	 */
	enum Format {

		PLAIN, LEADING_ZEROS, PLUS_SIGN, ARABIC_INDIC_DIGITS, FULLWIDTH_DIGIT, PADDED, QUOTED, QUOTED_AND_PADDED,
		DOUBLE_QUOTED, INNER_SPACE, DECIMAL, EXPONENT, HEX, SECONDS, NEWLINE, NUL, EMPTY, BLANK, EMPTY_QUOTES, MISSING;

		@Nullable String write(BigInteger time, int count) {
			String digits = time.toString();
			return switch (this) {
				case PLAIN -> digits;
				case LEADING_ZEROS -> "0".repeat(count) + digits;
				case PLUS_SIGN -> "+" + digits;
				case ARABIC_INDIC_DIGITS -> digits.chars()
					.map((c) -> (c >= '0' && c <= '9') ? c - '0' + '\u0660' : c)
					.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
					.toString();
				case FULLWIDTH_DIGIT -> digits.substring(0, digits.length() - 1)
						+ (char) (digits.charAt(digits.length() - 1) - '0' + '\uff10');
				case PADDED -> " \t".repeat(count % 4) + digits + "\t ".repeat(count % 3);
				case QUOTED -> "'" + digits + "'";
				case QUOTED_AND_PADDED -> " '" + " ".repeat(count % 3) + digits + "\t' ";
				case DOUBLE_QUOTED -> "\"" + digits + "\"";
				case INNER_SPACE ->
					digits.substring(0, digits.length() / 2) + " " + digits.substring(digits.length() / 2);
				case DECIMAL -> digits + ".0";
				case EXPONENT -> digits + "e0";
				case HEX -> "0x" + time.toString(16);
				case SECONDS -> time.divide(BigInteger.valueOf(1000)).toString();
				case NEWLINE -> digits + "\n";
				case NUL -> "\u0000" + digits;
				case EMPTY -> "";
				case BLANK -> " \t ".repeat(count);
				case EMPTY_QUOTES -> "''";
				case MISSING -> null;
			};
		}

	}

	/**
	 * A request time header: where the time lies and how it is written (or missing);
	 * rendered for a configuration.
	 */
	record RequestTime(Offset offset, long random, Format format, int count) {

		@Nullable String render(Config config) {
			return this.format.write(this.offset.time(config, this.random), this.count);
		}

	}

}
