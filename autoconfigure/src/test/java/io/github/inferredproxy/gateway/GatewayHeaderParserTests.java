package io.github.inferredproxy.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GatewayHeaderParser}.
 */
class GatewayHeaderParserTests {

	private static final long NOW = 1_700_000_000_000L;

	private static final String REQUEST_ID = "x-dd-proxy-request-id";

	private static final String TRACE_HEADER = "X-Amzn-Trace-Id";

	private final GatewayHeaderParser parser = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5),
			false, TrustPolicy.none());

	@Test
	void requestWithoutSystemHeaderIsNotAGatewayRequestAndNotARejection() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.remove("x-dd-proxy");
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW)).isNull();
	}

	@Test
	void requestWithNoHeadersAtAllIsNotAGatewayRequest() {
		assertThat(this.parser.parse((name) -> null, () -> null, NOW)).isNull();
	}

	@Test
	void fullRestApiHeadersGiveAGatewayRequest() {
		GatewayRequest request = parseOk(GatewayHeaders.restApi(NOW - 250));
		assertThat(request.system()).isEqualTo(GatewaySystem.AWS_APIGATEWAY);
		assertThat(request.startEpochMillis()).isEqualTo(NOW - 250);
		assertThat(request.receivedEpochMillis()).isEqualTo(NOW);
		assertThat(request.transitMillis()).isEqualTo(250);
		assertThat(request.clockSkewMillis()).isZero();
		assertThat(request.domain()).isEqualTo("api.example.com");
		assertThat(request.method()).isEqualTo("GET");
		assertThat(request.path()).isEqualTo("/prod/orders/42");
		assertThat(request.stage()).isEqualTo("prod");
		assertThat(request.resourcePath()).isEqualTo("/orders/{id}");
		assertThat(request.accountId()).isEqualTo("123456789012");
		assertThat(request.apiId()).isEqualTo("a1b2c3d4e5");
		assertThat(request.region()).isEqualTo("eu-west-3");
		assertThat(request.arn()).isEqualTo("arn:aws:apigateway:eu-west-3::/restapis/a1b2c3d4e5");
		assertThat(request.requestId()).isEqualTo(GatewayHeaders.REQUEST_ID);
		assertThat(request.xrayTraceId()).isEqualTo(GatewayHeaders.XRAY_TRACE_ID);
	}

	@Test
	void onlySystemAndTimeAreRequired() {
		GatewayRequest request = parseOk(
				Map.of("x-dd-proxy", "aws-httpapi", "x-dd-proxy-request-time-ms", Long.toString(NOW - 10)));
		assertThat(request.system()).isEqualTo(GatewaySystem.AWS_HTTPAPI);
		assertThat(request.domain()).isNull();
		assertThat(request.method()).isNull();
		assertThat(request.path()).isNull();
		assertThat(request.stage()).isNull();
		assertThat(request.resourcePath()).isNull();
		assertThat(request.accountId()).isNull();
		assertThat(request.apiId()).isNull();
		assertThat(request.region()).isNull();
		assertThat(request.user()).isNull();
		assertThat(request.arn()).isNull();
		assertThat(request.requestId()).isNull();
		assertThat(request.xrayTraceId()).isNull();
	}

	@Test
	void headerNamesAreMatchedIgnoringCaseThroughTheLookup() {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.put("X-DD-Proxy", "aws-apigateway");
		headers.put("X-Dd-Proxy-Request-Time-Ms", Long.toString(NOW - 1));
		headers.put("X-DD-PROXY-STAGE", "prod");
		GatewayRequest request = parseOk(headers);
		assertThat(request.stage()).isEqualTo("prod");
	}

	@ParameterizedTest
	@ValueSource(strings = { "AWS-ApiGateway", "aws-apigateway", "AWS-APIGATEWAY", "'aws-apigateway'",
			"  aws-apigateway ", " 'aws-apigateway' ", "\taws-apigateway\t", "' aws-apigateway '" })
	void systemValueIsMatchedIgnoringCaseQuotesAndBlanks(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", value);
		assertThat(parseOk(headers).system()).isEqualTo(GatewaySystem.AWS_APIGATEWAY);
	}

	@Test
	void httpApiAndAzureSystemsAreSupported() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", "  aws-httpapi ");
		assertThat(parseOk(headers).system()).isEqualTo(GatewaySystem.AWS_HTTPAPI);
		headers.put("x-dd-proxy", "Azure-APIM");
		assertThat(parseOk(headers).system()).isEqualTo(GatewaySystem.AZURE_APIM);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "''", "' '", "aws", "aws-apigateway-v2", "aws.apigateway", "gcp-apigateway",
			"aws-apigateway,aws-httpapi", "\"aws-apigateway\"" })
	void unsupportedOrBlankSystemIsRejected(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", value);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.UNSUPPORTED_SYSTEM);
	}

	@Test
	void firstValueOfARepeatedHeaderCounts() {
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.put("x-dd-proxy", List.of("aws-httpapi", "aws-apigateway"));
		headers.put("x-dd-proxy-request-time-ms", List.of(Long.toString(NOW - 100), Long.toString(NOW - 200)));
		headers.put("x-dd-proxy-stage", List.of("prod", "dev"));
		HeaderLookup lookup = (name) -> {
			List<String> values = headers.get(name);
			return (values != null) ? values.get(0) : null;
		};
		GatewayRequest request = (GatewayRequest) this.parser.parse(lookup, () -> null, NOW);
		assertThat(request.system()).isEqualTo(GatewaySystem.AWS_HTTPAPI);
		assertThat(request.startEpochMillis()).isEqualTo(NOW - 100);
		assertThat(request.stage()).isEqualTo("prod");
	}

	@Test
	void missingRequestTimeIsRejectedAndNeverStartsNow() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.remove("x-dd-proxy-request-time-ms");
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.MISSING_REQUEST_TIME);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  ", "''" })
	void blankRequestTimeIsRejectedAsMissing(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", value);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.MISSING_REQUEST_TIME);
	}

	@Test
	void requestTimeMayBeQuotedAndPadded() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", " '" + (NOW - 42) + "' ");
		assertThat(parseOk(headers).startEpochMillis()).isEqualTo(NOW - 42);
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "1699999999999x", "0x1A", "+1699999999999", "-1699999999999", "1699999999999.0",
			"1699999999.999", "1.699999999999E12", "1699 999999999", "16999_99999999", "NaN",
			// 20 digits
			"00001699999999999000",
			// 19 digits, more than Long.MAX_VALUE
			"9999999999999999999", "9223372036854775808",
			// Arabic-Indic and full-width digits, which Long.parseLong accepts
			"\u0661\u0666\u0669\u0669\u0669\u0669\u0669\u0669\u0669\u0669\u0669\u0669\u0669",
			"\uff11\uff16\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19" })
	void requestTimeThatIsNotOneToNineteenAsciiDigitsIsRejectedAsMalformed(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", value);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.MALFORMED_REQUEST_TIME);
	}

	@Test
	void nineteenDigitsWithLeadingZerosAreAccepted() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", String.format("%019d", NOW - 7));
		assertThat(parseOk(headers).startEpochMillis()).isEqualTo(NOW - 7);
	}

	@Test
	void longMaxValueIsParsedAndRejectedAsInTheFuture() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", Long.toString(Long.MAX_VALUE));
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_IN_FUTURE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "1", "0000000000000000000" })
	void epochIsRejectedAsTooOld(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", value);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_TOO_OLD);
	}

	@Test
	void timeInSecondsInsteadOfMillisecondsIsRejectedAsTooOld() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW / 1000));
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_TOO_OLD);
	}

	@Test
	void timeExactlyMaxAgeOldIsAcceptedAndOneMillisecondMoreIsRejected() {
		long maxAge = Duration.ofMinutes(5).toMillis();
		assertThat(parseOk(GatewayHeaders.restApi(NOW - maxAge)).transitMillis()).isEqualTo(maxAge);
		assertThat(this.parser.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW - maxAge - 1)), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_TOO_OLD);
	}

	@Test
	void maxAgeIsConfigurable() {
		GatewayHeaderParser strict = new GatewayHeaderParser(Duration.ofSeconds(30), Duration.ofSeconds(5), false,
				TrustPolicy.none());
		assertThat(strict.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW - 30_000)), () -> null, NOW))
			.isInstanceOf(GatewayRequest.class);
		assertThat(strict.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW - 30_001)), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_TOO_OLD);
	}

	@Test
	void timeEqualToReceiptHasNoTransitAndNoSkew() {
		GatewayRequest request = parseOk(GatewayHeaders.restApi(NOW));
		assertThat(request.startEpochMillis()).isEqualTo(NOW);
		assertThat(request.transitMillis()).isZero();
		assertThat(request.clockSkewMillis()).isZero();
	}

	@Test
	void timeSlightlyInTheFutureIsClampedToReceiptAndSkewIsRecorded() {
		GatewayRequest request = parseOk(GatewayHeaders.restApi(NOW + 1_234));
		assertThat(request.startEpochMillis()).isEqualTo(NOW);
		assertThat(request.clockSkewMillis()).isEqualTo(1_234);
		assertThat(request.transitMillis()).isZero();
	}

	@Test
	void timeExactlyAtSkewToleranceIsClampedAndOneMillisecondMoreIsRejected() {
		GatewayRequest request = parseOk(GatewayHeaders.restApi(NOW + 5_000));
		assertThat(request.startEpochMillis()).isEqualTo(NOW);
		assertThat(request.clockSkewMillis()).isEqualTo(5_000);
		assertThat(this.parser.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW + 5_001)), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_IN_FUTURE);
	}

	@Test
	void clockSkewToleranceIsConfigurable() {
		GatewayHeaderParser noSkew = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ZERO, false,
				TrustPolicy.none());
		assertThat(noSkew.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW + 1)), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_IN_FUTURE);
		assertThat(noSkew.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW)), () -> null, NOW))
			.isInstanceOf(GatewayRequest.class);
	}

	@Test
	void transitIsNeverNegative() {
		for (long offset : new long[] { -300_000, -1, 0, 1, 4_999, 5_000 }) {
			GatewayRequest request = parseOk(GatewayHeaders.restApi(NOW + offset));
			assertThat(request.transitMillis()).as("offset %d", offset).isNotNegative();
			assertThat(request.startEpochMillis()).as("offset %d", offset).isLessThanOrEqualTo(NOW);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "aws-apigateway\r\nx-evil: 1", "aws-apigateway\u0000", "\u001baws-apigateway",
			"aws-apigateway\u007f", "aws-apigateway\u0085", "aws\tapigateway" })
	void controlCharacterInSystemIsRejectedAsInvalid(String value) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", value);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.INVALID_HEADER);
	}

	@Test
	void tabsPaddingAValueAreBlanks() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", "\t aws-apigateway\t");
		headers.put("x-dd-proxy-request-time-ms", "\t" + (NOW - 100) + " \t");
		assertThat(parseOk(headers).startEpochMillis()).isEqualTo(NOW - 100);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\n", "\u0000", "\u009b", "\t1" })
	void controlCharacterInRequestTimeIsRejectedAsInvalid(String controlCharacter) {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", (NOW - 100) + controlCharacter);
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.INVALID_HEADER);
	}

	@ParameterizedTest
	@ValueSource(strings = { "x-dd-proxy-domain-name", "x-dd-proxy-httpmethod", "x-dd-proxy-path", "x-dd-proxy-stage",
			"x-dd-proxy-resource-path", "x-dd-proxy-account-id", "x-dd-proxy-api-id", "x-dd-proxy-region",
			"x-dd-proxy-user" })
	void controlCharacterInOptionalHeaderDropsOnlyThatValue(String name) {
		GatewayHeaderParser recordingUser = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), true,
				TrustPolicy.none());
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put(name, "value\r\nSet-Cookie: x=1");
		GatewayRequest request = (GatewayRequest) recordingUser.parse(GatewayHeaders.lookup(headers), () -> null, NOW);
		assertThat(request).isNotNull();
		List<String> values = optionalValues(request);
		assertThat(values).containsOnlyOnce((String) null);
		assertThat(values).noneMatch((value) -> value != null && value.contains("Set-Cookie"));
	}

	@Test
	void blankOrEmptyQuotedOptionalHeadersAreDropped() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy-stage", "   ");
		headers.put("x-dd-proxy-region", "''");
		headers.put("x-dd-proxy-api-id", "");
		GatewayRequest request = parseOk(headers);
		assertThat(request.stage()).isNull();
		assertThat(request.region()).isNull();
		assertThat(request.apiId()).isNull();
		assertThat(request.arn()).isNull();
		assertThat(request.domain()).isEqualTo("api.example.com");
	}

	@Test
	void optionalValuesAreTrimmedAndUnquotedOnce() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy-region", " 'eu-west-3' ");
		headers.put("x-dd-proxy-stage", "''prod''");
		GatewayRequest request = parseOk(headers);
		assertThat(request.region()).isEqualTo("eu-west-3");
		assertThat(request.stage()).isEqualTo("'prod'");
	}

	@Test
	void singleQuoteAloneIsKept() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy-stage", "'");
		assertThat(parseOk(headers).stage()).isEqualTo("'");
	}

	@Test
	void overLongValuesAreCutToMaxLength() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		String longPath = "/" + "a".repeat(5000);
		headers.put("x-dd-proxy-path", longPath);
		headers.put("x-dd-proxy-domain-name", "d".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH));
		headers.put("x-dd-proxy-stage", "s".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH + 1));
		GatewayRequest request = parseOk(headers);
		assertThat(request.path()).hasSize(2048).isEqualTo(longPath.substring(0, 2048));
		assertThat(request.domain()).hasSize(2048);
		assertThat(request.stage()).hasSize(2048);
	}

	@Test
	void valueCutAtMaxLengthDoesNotEndInABlank() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy-stage", "s".repeat(2045) + "   tail");
		assertThat(parseOk(headers).stage()).isEqualTo("s".repeat(2045));
	}

	@Test
	void systemValueIsJudgedWholeNotAfterTheCut() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", "aws-apigateway" + " ".repeat(3000) + "x");
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.UNSUPPORTED_SYSTEM);
	}

	@Test
	void httpApiTimeInSecondsIsAcceptedAsSeconds() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy", "aws-httpapi");
		long seconds = (NOW - 1_500) / 1000;
		headers.put("x-dd-proxy-request-time-ms", Long.toString(seconds));
		GatewayRequest request = parseOk(headers);
		assertThat(request.startEpochMillis()).isEqualTo(seconds * 1000);
		assertThat(request.secondPrecision()).isTrue();
	}

	@Test
	void httpApiTimeMappedAsSecondsTimesAThousandIsSecondPrecise() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy", "aws-httpapi");
		headers.put("x-dd-proxy-request-time-ms", ((NOW - 1_500) / 1000) + "000");
		assertThat(parseOk(headers).secondPrecision()).isTrue();
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW - 1_501));
		assertThat(parseOk(headers).secondPrecision()).isFalse();
	}

	@Test
	void tenDigitsAreSecondsOnlyForAnHttpApi() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW / 1000));
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.REQUEST_TIME_TOO_OLD);
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW - 1_000));
		assertThat(parseOk(headers).secondPrecision()).isFalse();
	}

	@Test
	void userAgentIsKeptCleanedAndBoundedLikeTheGatewayHeaders() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		assertThat(parseOk(headers).userAgent()).isNull();
		headers.put("User-Agent", "  Mozilla/5.0 (X11) ");
		assertThat(parseOk(headers).userAgent()).isEqualTo("Mozilla/5.0 (X11)");
		headers.put("User-Agent", "a".repeat(5000));
		assertThat(parseOk(headers).userAgent()).hasSize(GatewayHeaderParser.MAX_VALUE_LENGTH);
		headers.put("User-Agent", "evil\u0007agent");
		assertThat(parseOk(headers).userAgent()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "JHTxhhx2IAMEVXw=",
			"0f7d1a3c-5e2b-4c9d-8a6f-1b2c3d4e5f60", "!#$%&*+-./:<>?@[]^_`{|}~" })
	void requestIdOfVisibleAsciiIsKept(String requestId) {
		assertThat(parseWith(REQUEST_ID, requestId).requestId()).isEqualTo(requestId);
	}

	@Test
	void requestIdIsTrimmedAndUnquotedLikeTheOtherHeaders() {
		assertThat(parseWith("X-DD-Proxy-Request-Id", " 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' ").requestId())
			.isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
	}

	@Test
	void missingCorrelationHeadersGiveNoValues() {
		assertThat(parseWith(REQUEST_ID, null).requestId()).isNull();
		assertThat(parseWith(TRACE_HEADER, null).xrayTraceId()).isNull();
	}

	@Test
	void requestIdOfTheMaximumLengthIsKeptAndALongerOneDroppedNotCut() {
		String longest = "a".repeat(GatewayHeaderParser.MAX_REQUEST_ID_LENGTH);
		assertThat(parseWith(REQUEST_ID, longest).requestId()).isEqualTo(longest);
		GatewayRequest request = parseWith(REQUEST_ID, longest + "a");
		assertThat(request.requestId()).isNull();
		assertThat(request.domain()).isEqualTo("api.example.com");
	}

	@ParameterizedTest
	@ValueSource(strings = { "c6af9ac6 7b61", "id\u0007", "id\r\nSet-Cookie: x=1", "id\u0085", "id\u007f", "ïd-1",
			"id\u00a0x", "\ud83d\ude00", "", "   ", "''" })
	void requestIdWithBlanksControlOrNonAsciiCharactersIsDroppedNeverRejected(String requestId) {
		GatewayRequest request = parseWith(REQUEST_ID, requestId);
		assertThat(request.requestId()).isNull();
		assertThat(request.stage()).isEqualTo("prod");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Root=1-5759e988-bd862e3fe1be46a994272793",
			"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			"Parent=53995c3f42cd8ad8;Sampled=1;Root=1-5759e988-bd862e3fe1be46a994272793",
			"Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793",
			"Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
			"Root = 1-5759e988-bd862e3fe1be46a994272793 ; Parent=53995c3f42cd8ad8",
			"Sampled=1 ;  Root=1-5759e988-bd862e3fe1be46a994272793  ", "  Root=1-5759e988-bd862e3fe1be46a994272793;",
			"Root=1-5759e988-bd862e3fe1be46a994272793;Root=1-00000000-000000000000000000000000",
			"Lineage=a87bd80c:0;Root=1-5759e988-bd862e3fe1be46a994272793;Foo=bar=baz" })
	void xrayRootIsTakenFromAnyPositionOfTheTraceHeader(String header) {
		assertThat(parseWith(TRACE_HEADER, header).xrayTraceId()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
	}

	@Test
	void xrayRootMayBeUpperCaseHex() {
		assertThat(parseWith("x-amzn-trace-id", "Root=1-5759E988-BD862E3FE1BE46A994272793").xrayTraceId())
			.isEqualTo("1-5759E988-BD862E3FE1BE46A994272793");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", ";", "=", "Root", "Root=", "Root=;", "Parent=53995c3f42cd8ad8;Sampled=1",
			"Self=1-67891234-12456789abcdef012345678", "root=1-5759e988-bd862e3fe1be46a994272793",
			"XRoot=1-5759e988-bd862e3fe1be46a994272793", "Root=2-5759e988-bd862e3fe1be46a994272793",
			"Root=1-5759e98-bd862e3fe1be46a994272793", "Root=1-5759e988-bd862e3fe1be46a99427279",
			"Root=1-5759e988-bd862e3fe1be46a9942727930", "Root=1-5759e988-bd862e3fe1be46a99427279g",
			"Root=1_5759e988_bd862e3fe1be46a994272793", "Root=1-5759e988bd862e3fe1be46a994272793-",
			"Root=1-5759e988-bd862e3fe1be46a99427\uff11793", "Root=1-5759e988-bd862e3fe1be46a99427\u0661793",
			"Root=1-5759e988-bd862e3fe1be46a994272793x", "Root=1-5759e988-bd862e3f e1be46a994272793",
			"Root=1-5759e988-bd862e3fe1be46a994272793\u0000", "Root=1-5759e988-bd862e3fe1be46a994272793\r\nX: y",
			"Root=1-00000000-zzzzzzzzzzzzzzzzzzzzzzzz;Root=1-5759e988-bd862e3fe1be46a994272793",
			"Root=\"1-5759e988-bd862e3fe1be46a994272793\"",
			"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8\u0007" })
	void traceHeaderWithoutAValidRootGivesNoXrayTraceIdAndTheRequestIsKept(String header) {
		GatewayRequest request = parseWith(TRACE_HEADER, header);
		assertThat(request.xrayTraceId()).isNull();
		assertThat(request.stage()).isEqualTo("prod");
	}

	@Test
	void overLongTraceHeaderStillGivesItsBoundedRoot() {
		String header = "Foo=" + "x".repeat(10_000) + ";Root=1-5759e988-bd862e3fe1be46a994272793";
		assertThat(parseWith(TRACE_HEADER, header).xrayTraceId()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
	}

	@Test
	void negativeReceiveTimeIsACallersError() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW);
		headers.put("x-dd-proxy-request-time-ms", "9".repeat(19));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.parser.parse(GatewayHeaders.lookup(headers), () -> null, -1))
			.withMessageContaining("receivedEpochMillis");
	}

	@Test
	void cutNeverSplitsASurrogatePair() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		// U+1F600 is two chars; its high surrogate is the 2048th char.
		headers.put("x-dd-proxy-path", "/" + "a".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH - 2) + "\uD83D\uDE00b");
		String path = parseOk(headers).path();
		assertThat(path).hasSizeLessThanOrEqualTo(GatewayHeaderParser.MAX_VALUE_LENGTH);
		assertThat(Character.isHighSurrogate(path.charAt(path.length() - 1))).isFalse();
		assertThat(path).isEqualTo("/" + "a".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH - 2));
	}

	@Test
	void cutKeepsASurrogatePairThatFitsWhole() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		String fits = "/" + "a".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH - 3) + "\uD83D\uDE00";
		headers.put("x-dd-proxy-path", fits + "tail");
		assertThat(parseOk(headers).path()).isEqualTo(fits);
	}

	@Test
	void lengthIsCountedAfterTrimmingAndUnquoting() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		String value = "v".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH);
		headers.put("x-dd-proxy-stage", "   '" + value + "'   ");
		assertThat(parseOk(headers).stage()).isEqualTo(value);
	}

	@Test
	void overLongSystemValueIsUnsupported() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", "aws-apigateway" + " x".repeat(3000));
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.UNSUPPORTED_SYSTEM);
	}

	@Test
	void overLongRequestTimeIsMalformed() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy-request-time-ms", "1".repeat(5000));
		assertThat(this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.MALFORMED_REQUEST_TIME);
	}

	@Test
	void userIsIgnoredByDefault() {
		assertThat(parseOk(GatewayHeaders.restApi(NOW - 100)).user()).isNull();
	}

	@Test
	void userIsKeptWhenRecordingIsEnabled() {
		GatewayHeaderParser recordingUser = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), true,
				TrustPolicy.none());
		GatewayRequest request = (GatewayRequest) recordingUser
			.parse(GatewayHeaders.lookup(GatewayHeaders.restApi(NOW - 100)), () -> null, NOW);
		assertThat(request.user()).isEqualTo("arn:aws:iam::123456789012:user/alice");
	}

	@Test
	void userHeaderIsNotEvenReadByDefault() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		List<String> read = new ArrayList<>();
		this.parser.parse((name) -> {
			read.add(name);
			return headers.get(name);
		}, () -> null, NOW);
		assertThat(read).contains("x-dd-proxy", "x-dd-proxy-request-time-ms").doesNotContain("x-dd-proxy-user");
	}

	@Test
	void rejectedRequestReadsNoOptionalHeaders() {
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		headers.put("x-dd-proxy", "unknown");
		List<String> read = new ArrayList<>();
		this.parser.parse((name) -> {
			read.add(name);
			return headers.get(name);
		}, () -> null, NOW);
		assertThat(read).containsExactly("x-dd-proxy");
	}

	@Test
	void requestWithoutSystemHeaderNeverConsultsTheTrustPolicy() {
		GatewayHeaderParser trusting = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false,
				TrustPolicy.none().withSharedSecret("s3cret").withNetwork("10.0.0.0/8"));
		List<String> read = new ArrayList<>();
		assertThat(trusting.parse((name) -> {
			read.add(name);
			return null;
		}, () -> {
			throw new AssertionError("asked for the remote address");
		}, NOW)).isNull();
		assertThat(read).containsExactly("x-dd-proxy");
	}

	@Test
	void untrustedRequestIsRejectedBeforeItsHeadersAreJudged() {
		GatewayHeaderParser trusting = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false,
				TrustPolicy.none().withSharedSecret("s3cret"));
		Map<String, String> headers = GatewayHeaders.restApi(NOW - 100);
		assertThat(trusting.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.UNTRUSTED);
		// A malformed time from an untrusted client is untrusted, not a mapping mistake.
		headers.put("x-dd-proxy-request-time-ms", "soon");
		assertThat(trusting.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.UNTRUSTED);
		headers.put("x-dd-proxy-secret", "s3cret");
		assertThat(trusting.parse(GatewayHeaders.lookup(headers), () -> null, NOW))
			.isEqualTo(RejectionReason.MALFORMED_REQUEST_TIME);
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW - 100));
		assertThat(trusting.parse(GatewayHeaders.lookup(headers), () -> null, NOW)).isInstanceOf(GatewayRequest.class);
	}

	@Test
	void trustedNetworksAreMatchedAgainstTheRemoteAddress() {
		GatewayHeaderParser trusting = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false,
				TrustPolicy.none().withNetwork("10.0.0.0/8"));
		HeaderLookup headers = GatewayHeaders.lookup(GatewayHeaders.restApi(NOW - 100));
		assertThat(trusting.parse(headers, () -> "10.2.3.4", NOW)).isInstanceOf(GatewayRequest.class);
		assertThat(trusting.parse(headers, () -> "192.0.2.1", NOW)).isEqualTo(RejectionReason.UNTRUSTED);
		// Without a remote address (the two-argument parse), a network policy cannot
		// hold.
		assertThat(trusting.parse(headers, () -> null, NOW)).isEqualTo(RejectionReason.UNTRUSTED);
	}

	/**
	 * Parse the full REST API headers with one header, named in any case, set to a value
	 * or, for {@code null}, removed.
	 */
	private GatewayRequest parseWith(String name, @Nullable String value) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.putAll(GatewayHeaders.restApi(NOW - 100));
		if (value != null) {
			headers.put(name, value);
		}
		else {
			headers.remove(name);
		}
		return parseOk(headers);
	}

	private GatewayRequest parseOk(Map<String, String> headers) {
		GatewayHeaderParser.Result result = this.parser.parse(GatewayHeaders.lookup(headers), () -> null, NOW);
		assertThat(result).isInstanceOf(GatewayRequest.class);
		return (GatewayRequest) result;
	}

	private static List<String> optionalValues(GatewayRequest request) {
		List<String> values = new ArrayList<>();
		values.add(request.domain());
		values.add(request.method());
		values.add(request.path());
		values.add(request.stage());
		values.add(request.resourcePath());
		values.add(request.accountId());
		values.add(request.apiId());
		values.add(request.region());
		values.add(request.user());
		return values;
	}

}
