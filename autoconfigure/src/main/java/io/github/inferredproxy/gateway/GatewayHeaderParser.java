package io.github.inferredproxy.gateway;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Turns the {@code x-dd-proxy-*} request headers into a {@link GatewayRequest}, or tells
 * why they cannot be trusted to start a span. Thread-safe and free of allocation for a
 * request without an {@code x-dd-proxy} header.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayHeaderParser {

	/**
	 * The longest value kept from a header; longer values are cut.
	 */
	public static final int MAX_VALUE_LENGTH = 2048;

	/**
	 * The header naming the gateway; its presence marks a request as coming from one.
	 */
	public static final String SYSTEM_HEADER = "x-dd-proxy";

	static final String REQUEST_TIME_HEADER = "x-dd-proxy-request-time-ms";

	static final String REQUEST_ID_HEADER = "x-dd-proxy-request-id";

	/**
	 * Added by API Gateway and by Application Load Balancers; not a gateway mapping.
	 */
	static final String XRAY_TRACE_HEADER = "x-amzn-trace-id";

	/**
	 * The longest request id kept; a longer one is dropped, not cut.
	 */
	public static final int MAX_REQUEST_ID_LENGTH = 128;

	private static final String XRAY_ROOT_KEY = "Root";

	/**
	 * {@code 1-} + 8 hex digits + {@code -} + 24 hex digits.
	 */
	private static final int XRAY_TRACE_ID_LENGTH = 35;

	private static final int MAX_TIME_DIGITS = 19;

	private static final int SECONDS_DIGITS = 10;

	private final long maxAgeMillis;

	private final long clockSkewToleranceMillis;

	private final boolean recordUser;

	private final TrustPolicy trustPolicy;

	/**
	 * Create a parser.
	 * @param maxAge the oldest gateway time accepted
	 * @param clockSkewTolerance how far in the future a gateway time may be and still be
	 * accepted (clamped to the receipt time)
	 * @param recordUser whether to keep {@code x-dd-proxy-user}, which is personal data
	 * @param trustPolicy which requests may carry gateway headers
	 */
	public GatewayHeaderParser(Duration maxAge, Duration clockSkewTolerance, boolean recordUser,
			TrustPolicy trustPolicy) {
		this.maxAgeMillis = maxAge.toMillis();
		this.clockSkewToleranceMillis = clockSkewTolerance.toMillis();
		this.recordUser = recordUser;
		this.trustPolicy = trustPolicy;
	}

	/**
	 * Read the gateway headers of a request, checking the trust policy first.
	 * @param headers the request headers
	 * @param remoteAddress supplies the remote IP address of the request (or {@code null}
	 * when unknown), only called for a request with an {@code x-dd-proxy} header when the
	 * trust policy has trusted networks
	 * @param receivedEpochMillis when the application received the request
	 * @return {@code null} when the request has no {@code x-dd-proxy} header, a
	 * {@link GatewayRequest} when a span should be created, else the
	 * {@link RejectionReason}
	 * @throws IllegalArgumentException when {@code receivedEpochMillis} is negative
	 */
	public @Nullable Result parse(HeaderLookup headers, Supplier<@Nullable String> remoteAddress,
			long receivedEpochMillis) {
		if (receivedEpochMillis < 0) {
			// Before 1970: a caller's bug, and the clock-skew arithmetic would overflow.
			throw new IllegalArgumentException("receivedEpochMillis must not be negative: " + receivedEpochMillis);
		}
		String systemHeader = headers.firstValue(SYSTEM_HEADER);
		if (systemHeader == null) {
			return null;
		}
		// First: the headers of an untrusted request say nothing about the gateway
		// mapping, so they must not lead to a warning about it.
		if (!this.trustPolicy.isTrusted(headers, remoteAddress)) {
			return RejectionReason.UNTRUSTED;
		}
		String systemValue = clean(systemHeader);
		if (systemValue == null) {
			return hasControlCharacter(systemHeader) ? RejectionReason.INVALID_HEADER
					: RejectionReason.UNSUPPORTED_SYSTEM;
		}
		GatewaySystem system = GatewaySystem.fromValue(systemValue);
		if (system == null) {
			return RejectionReason.UNSUPPORTED_SYSTEM;
		}
		String timeHeader = headers.firstValue(REQUEST_TIME_HEADER);
		if (timeHeader == null) {
			return RejectionReason.MISSING_REQUEST_TIME;
		}
		String timeValue = clean(timeHeader);
		if (timeValue == null) {
			return hasControlCharacter(timeHeader) ? RejectionReason.INVALID_HEADER
					: RejectionReason.MISSING_REQUEST_TIME;
		}
		long gatewayMillis = parseEpochMillis(timeValue);
		if (gatewayMillis < 0) {
			return RejectionReason.MALFORMED_REQUEST_TIME;
		}
		// An HTTP API knows its receive time to the second only: mapped as such (10
		// digits, which as milliseconds would be before 2002) or as
		// ${context.requestTimeEpoch}000.
		boolean secondPrecision = system == GatewaySystem.AWS_HTTPAPI
				&& (timeValue.length() == SECONDS_DIGITS || gatewayMillis % 1000 == 0);
		if (system == GatewaySystem.AWS_HTTPAPI && timeValue.length() == SECONDS_DIGITS) {
			gatewayMillis *= 1000;
		}
		long startMillis = gatewayMillis;
		long skewMillis = 0;
		if (gatewayMillis > receivedEpochMillis) {
			skewMillis = gatewayMillis - receivedEpochMillis;
			if (skewMillis > this.clockSkewToleranceMillis) {
				return RejectionReason.REQUEST_TIME_IN_FUTURE;
			}
			startMillis = receivedEpochMillis;
		}
		else if (receivedEpochMillis - gatewayMillis > this.maxAgeMillis) {
			return RejectionReason.REQUEST_TIME_TOO_OLD;
		}
		return new GatewayRequest(system, startMillis, receivedEpochMillis, skewMillis,
				optional(headers, "x-dd-proxy-domain-name"), optional(headers, "x-dd-proxy-httpmethod"),
				optional(headers, "x-dd-proxy-path"), optional(headers, "x-dd-proxy-stage"),
				optional(headers, "x-dd-proxy-resource-path"), optional(headers, "x-dd-proxy-account-id"),
				optional(headers, "x-dd-proxy-api-id"), optional(headers, "x-dd-proxy-region"),
				this.recordUser ? optional(headers, "x-dd-proxy-user") : null, optional(headers, "user-agent"),
				requestId(headers), xrayTraceId(headers.firstValue(XRAY_TRACE_HEADER)), secondPrecision);
	}

	/**
	 * The gateway's request id, kept only when it is 1 to {@value #MAX_REQUEST_ID_LENGTH}
	 * visible ASCII characters without blanks, else dropped (never cut, and never a
	 * reason to reject the request). The ids gateways generate are far shorter: a UUID
	 * for a REST API, a short base64-like id for an HTTP API, a GUID for API Management.
	 * The id is a join key that the MDC writes into every log line of the request: a cut
	 * id joins with nothing, and blanks or other characters in it could forge fields of a
	 * log line.
	 * @param headers the request headers
	 * @return the request id, or {@code null}
	 */
	private static @Nullable String requestId(HeaderLookup headers) {
		String value = headers.firstValue(REQUEST_ID_HEADER);
		String cleaned = (value != null) ? clean(value) : null;
		if (cleaned == null || cleaned.length() > MAX_REQUEST_ID_LENGTH) {
			return null;
		}
		for (int i = 0; i < cleaned.length(); i++) {
			char c = cleaned.charAt(i);
			if (c <= ' ' || c > '~') {
				return null;
			}
		}
		return cleaned;
	}

	/**
	 * The {@code Root} field of an {@code X-Amzn-Trace-Id} header
	 * ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1};
	 * fields in any order, an Application Load Balancer may put {@code Self=...} first),
	 * blanks around {@code ;} and {@code =} allowed. Only the first {@code Root} counts,
	 * and only when it has the X-Ray trace id format. The header is not the gateway
	 * mapping's: anything else is ignored, never a reason to reject the request.
	 * @param header the header value, or {@code null}
	 * @return the X-Ray trace id, or {@code null}
	 */
	static @Nullable String xrayTraceId(@Nullable String header) {
		if (header == null || hasControlCharacter(header)) {
			return null;
		}
		int length = header.length();
		for (int start = 0; start < length;) {
			int end = header.indexOf(';', start);
			if (end < 0) {
				end = length;
			}
			int equals = header.indexOf('=', start);
			if (equals >= 0 && equals < end) {
				int keyStart = skipBlanks(header, start, equals);
				int keyEnd = skipTrailingBlanks(header, keyStart, equals);
				if (keyEnd - keyStart == XRAY_ROOT_KEY.length() && header.startsWith(XRAY_ROOT_KEY, keyStart)) {
					int valueStart = skipBlanks(header, equals + 1, end);
					int valueEnd = skipTrailingBlanks(header, valueStart, end);
					return isXrayTraceId(header, valueStart, valueEnd) ? header.substring(valueStart, valueEnd) : null;
				}
			}
			start = end + 1;
		}
		return null;
	}

	/**
	 * Whether {@code text[start, end)} is {@code 1-} + 8 hex digits + {@code -} + 24 hex
	 * digits: version 1, the epoch seconds, 96 random bits.
	 * @param text the header value
	 * @param start where the candidate starts
	 * @param end where it ends (exclusive)
	 * @return whether it is an X-Ray trace id
	 */
	private static boolean isXrayTraceId(String text, int start, int end) {
		if (end - start != XRAY_TRACE_ID_LENGTH || text.charAt(start) != '1' || text.charAt(start + 1) != '-'
				|| text.charAt(start + 10) != '-') {
			return false;
		}
		for (int i = start + 2; i < end; i++) {
			if (i != start + 10 && !isAsciiHexDigit(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * ASCII only: {@link Character#digit(char, int)} also takes other scripts' digits and
	 * full-width letters.
	 * @param c the character
	 * @return whether it is 0-9, a-f or A-F
	 */
	private static boolean isAsciiHexDigit(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

	private static int skipBlanks(String text, int start, int end) {
		while (start < end && isBlank(text.charAt(start))) {
			start++;
		}
		return start;
	}

	private static int skipTrailingBlanks(String text, int start, int end) {
		while (end > start && isBlank(text.charAt(end - 1))) {
			end--;
		}
		return end;
	}

	private static @Nullable String optional(HeaderLookup headers, String name) {
		String value = headers.firstValue(name);
		String cleaned = (value != null) ? clean(value) : null;
		return (cleaned != null) ? truncate(cleaned) : null;
	}

	/**
	 * Trim a header value and strip one pair of surrounding single quotes (a common
	 * mistake in a gateway mapping). Not cut yet: the system and the time are judged on
	 * the whole value, so that cutting never turns a wrong value into a right one.
	 * @param value the raw value
	 * @return the clean value, or {@code null} when it is blank or holds a control
	 * character
	 */
	static @Nullable String clean(String value) {
		if (hasControlCharacter(value)) {
			return null;
		}
		String result = value.strip();
		if (result.length() >= 2 && result.charAt(0) == '\'' && result.charAt(result.length() - 1) == '\'') {
			result = result.substring(1, result.length() - 1).strip();
		}
		return result.isEmpty() ? null : result;
	}

	/**
	 * Cut a value to {@link #MAX_VALUE_LENGTH} characters, never in the middle of a
	 * surrogate pair (a lone surrogate is not valid Unicode, and exporters turn it into
	 * '?' or drop the attribute), and without the blanks the cut left at its end. Values
	 * composed of several header values (an ARN, a URL) must go through it too: each part
	 * is within the limit, their concatenation is not.
	 * @param value the value, not blank
	 * @return the value, cut if needed
	 */
	public static String truncate(String value) {
		if (value.length() <= MAX_VALUE_LENGTH) {
			return value;
		}
		int end = Character.isHighSurrogate(value.charAt(MAX_VALUE_LENGTH - 1)) ? MAX_VALUE_LENGTH - 1
				: MAX_VALUE_LENGTH;
		return value.substring(0, end).stripTrailing();
	}

	/**
	 * Whether a value holds a control character, other than spaces and tabs padding it.
	 * @param value the header value
	 * @return whether it holds one
	 */
	private static boolean hasControlCharacter(String value) {
		int start = 0;
		int end = value.length();
		while (start < end && isBlank(value.charAt(start))) {
			start++;
		}
		while (end > start && isBlank(value.charAt(end - 1))) {
			end--;
		}
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isBlank(char c) {
		return c == ' ' || c == '\t';
	}

	/**
	 * Parse 1 to 19 ASCII digits; {@link Long#parseLong(String)} would also accept signs
	 * and non-ASCII digits.
	 * @param text the digits
	 * @return the value, or {@code -1} when the text is not such a number or overflows
	 */
	private static long parseEpochMillis(String text) {
		int length = text.length();
		if (length > MAX_TIME_DIGITS) {
			return -1;
		}
		long result = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			if (result > (Long.MAX_VALUE - (c - '0')) / 10) {
				return -1;
			}
			result = result * 10 + (c - '0');
		}
		return result;
	}

	/**
	 * What {@link #parse} found: a {@link GatewayRequest} or a {@link RejectionReason}.
	 */
	public sealed interface Result permits GatewayRequest, RejectionReason {

	}

}
