package io.github.inferredproxy.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.HeaderLookup;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

/**
 * jqwik arbitraries for gateway header values, and the contract's reference model of a
 * clean value, for the property-based tests. A generated value is built from pieces
 * (control and non-ASCII characters, lone surrogate halves and valid pairs, quotes,
 * blanks, random bytes) that may be repeated up to about 100 KB, so that cheap generators
 * still put every kind of character at the 2,048 character cap and shrinking works on a
 * handful of numbers rather than on 100,000 characters.
 */
public final class GatewayArbitraries {

	/**
	 * The longest attribute or header value the contract allows.
	 */
	public static final int CAP = GatewayHeaderParser.MAX_VALUE_LENGTH;

	/**
	 * Every optional {@code x-dd-proxy-*} header.
	 */
	public static final List<String> OPTIONAL_HEADERS = List.of("x-dd-proxy-domain-name", "x-dd-proxy-httpmethod",
			"x-dd-proxy-path", "x-dd-proxy-stage", "x-dd-proxy-resource-path", "x-dd-proxy-account-id",
			"x-dd-proxy-api-id", "x-dd-proxy-region", "x-dd-proxy-user", "x-dd-proxy-request-id");

	/**
	 * The pieces a wild value is made of: plain text, blanks (also Unicode ones, which
	 * {@link String#strip()} removes), quotes, control characters (C0, DEL, C1),
	 * non-ASCII letters, a valid surrogate pair, lone surrogate halves and a reversed
	 * pair.
	 */
	private static final String[] PIECES = { "a", "Z", "7", "/", "-", ".", "{id}", "{proxy+}", "$default", "GET", " ",
			"\t", "  ", "'", "''", "\"", "a ", " a", "ab", "é", "中", "ß", "\u00a0", "\u2003", "\u3000", "\u2028",
			"\ufeff", "\ud83d\ude00", "\ud800", "\udbff", "\udc00", "\udfff", "\ude00\ud83d", "\u0000", "\n", "\r",
			"\u000b", "\u001b", "\u001f", "\u007f", "\u0085", "\u009f", "\ufffd", "\u0660", "\uff11" };

	private static final String[] REALISTIC = { "aws-apigateway", "api.example.com",
			"abc123.execute-api.eu-west-3.amazonaws.com", "GET", "post", "PROPFIND", "/prod/orders/42", "/",
			"/orders/{id}", "/{proxy+}", "$default", "prod", "123456789012", "a1b2c3d4e5", "eu-west-3", "cn-north-1",
			"us-gov-west-1", "arn:aws:iam::123456789012:user/alice", "'eu-west-3'",
			"c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "JHTxhhx2IAMEVXw=" };

	private GatewayArbitraries() {
	}

	/**
	 * Return a raw header value, or {@code null} for a missing header.
	 * @return the arbitrary
	 */
	public static Arbitrary<@Nullable String> headerValue() {
		return rawValue().injectNull(0.15);
	}

	/**
	 * Return a raw header value: realistic, wild, cut-sized, huge or blank, often padded
	 * with blanks or quoted.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> rawValue() {
		Arbitrary<String> body = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(REALISTIC)),
				Tuple.of(5, wildBody()), Tuple.of(4, capSizedBody()), Tuple.of(1, hugeBody()), Tuple.of(1, blankBody()),
				Tuple.of(1, randomBytes()), Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
		return decorated(body);
	}

	/**
	 * Return a raw header value, or {@code null}, that is more often than not longer than
	 * the cap once trimmed: for the properties of the cut.
	 * @return the arbitrary
	 */
	public static Arbitrary<@Nullable String> cutCandidate() {
		return Arbitraries.frequencyOf(Tuple.of(2, decorated(capSizedBody())), Tuple.of(1, headerValue()));
	}

	/**
	 * Return a value padded with blanks on either side and, sometimes, surrounded by
	 * single quotes (with blanks inside them), or with a quote on one side only.
	 * @param body the value to decorate
	 * @return the arbitrary
	 */
	public static Arbitrary<String> decorated(Arbitrary<String> body) {
		Arbitrary<String> pad = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("")),
				Tuple.of(6, Arbitraries.of(" ", "\t", "  ", " \t", "\t \t", "    ")),
				Tuple.of(1, Arbitraries.of(" ".repeat(CAP), "\t".repeat(CAP + 1), " \t".repeat(3000))));
		Arbitrary<String[]> quotes = Arbitraries.frequency(Tuple.of(12, new String[] { "", "" }),
				Tuple.of(4, new String[] { "'", "'" }), Tuple.of(1, new String[] { "'", "" }),
				Tuple.of(1, new String[] { "", "'" }));
		return Combinators.combine(pad, quotes, pad, body, pad)
			.as((outerLeft, quote, inner, text, outerRight) -> outerLeft + quote[0] + inner + text + inner + quote[1]
					+ outerRight);
	}

	/**
	 * Return a value of a few pieces, each repeated from once to a few thousand times.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> wildBody() {
		return segment().list().ofMinSize(1).ofMaxSize(6).map((segments) -> String.join("", segments));
	}

	/**
	 * Return a value whose cleaned form has about the length of the cap, so that every
	 * piece lands at the cut: a filler of {@code CAP - 12} to {@code CAP + 3} characters
	 * (after none or one character or pair, so that pairs straddle the cut either way)
	 * followed by a few pieces.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> capSizedBody() {
		Arbitrary<String> shift = Arbitraries.of("", "a", "中", "\ud83d\ude00");
		Arbitrary<String> filler = Combinators
			.combine(Arbitraries.of("x", "é", "中", "a ", "\ud83d\ude00"),
					Arbitraries.integers().between(CAP - 12, CAP + 3).withDistribution(RandomDistribution.uniform()))
			.as(GatewayArbitraries::repeatToLength);
		Arbitrary<String> tail = piece().list().ofMaxSize(4).map((pieces) -> String.join("", pieces));
		return Combinators.combine(shift, filler, tail).as((head, middle, end) -> head + middle + end);
	}

	/**
	 * Return a value of 20 KB to 100 KB: one piece repeated.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> hugeBody() {
		return Combinators
			.combine(Arbitraries.of("x", "ab", "a b", "中", "\ud83d\ude00", "'", " \u00e9"),
					Arbitraries.integers().between(20_000, 100_000).withDistribution(RandomDistribution.uniform()))
			.as(GatewayArbitraries::repeatToLength);
	}

	/**
	 * Return an empty or blank value, up to about 100 KB.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> blankBody() {
		return Combinators
			.combine(Arbitraries.of(" ", "\t", " \t", "\u2003", "''", "' '"),
					Arbitraries.integers().between(0, 100_000))
			.as(GatewayArbitraries::repeatToLength);
	}

	/**
	 * Return random bytes read as a servlet container reads a header (ISO-8859-1) or as
	 * UTF-8 (with replacement characters for malformed input).
	 * @return the arbitrary
	 */
	public static Arbitrary<String> randomBytes() {
		return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(64), Arbitraries.of(true, false))
			.as((bytes, latin1) -> new String(bytes, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
	}

	private static Arbitrary<String> segment() {
		Arbitrary<Integer> repeats = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(1, 3)),
				Tuple.of(2, Arbitraries.integers().between(4, 64)),
				Tuple.of(2, Arbitraries.integers().between(500, 2_100).withDistribution(RandomDistribution.uniform())));
		return Combinators.combine(piece(), repeats).as(String::repeat);
	}

	private static Arbitrary<String> piece() {
		return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(PIECES)),
				Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3)),
				Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1).ofMaxLength(3)),
				Tuple.of(1, Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMinLength(1).ofMaxLength(2)));
	}

	private static String repeatToLength(String unit, int length) {
		if (unit.isEmpty()) {
			return "";
		}
		String repeated = unit.repeat(length / unit.length() + 1);
		return repeated.substring(0, length);
	}

	/**
	 * The contract's reference model of a header value before the cap: trimmed, one pair
	 * of surrounding single quotes stripped (and trimmed again), {@code null} when blank
	 * or when it holds a control character (C0 or C1 or DEL) other than the spaces and
	 * tabs padding it.
	 * @param raw the header value
	 * @return the value before the cap, or {@code null}
	 */
	public static @Nullable String uncappedClean(@Nullable String raw) {
		if (raw == null || holdsControlCharacter(raw)) {
			return null;
		}
		String value = raw.strip();
		if (value.length() >= 2 && value.charAt(0) == '\'' && value.charAt(value.length() - 1) == '\'') {
			value = value.substring(1, value.length() - 1).strip();
		}
		return value.isEmpty() ? null : value;
	}

	/**
	 * A header value as the contract wants it on a span: the reference model, cut to the
	 * cap, never between the halves of a surrogate pair and never ending in a blank. This
	 * is the test's own cut, for building requests whose parts already meet the contract;
	 * it is not the production code.
	 * @param raw the header value
	 * @return the value, or {@code null}
	 */
	public static @Nullable String contractValue(@Nullable String raw) {
		String value = uncappedClean(raw);
		if (value == null || value.length() <= CAP) {
			return value;
		}
		int end = CAP;
		if (Character.isHighSurrogate(value.charAt(end - 1))) {
			end--;
		}
		String cut = value.substring(0, end).stripTrailing();
		return cut.isEmpty() ? null : cut;
	}

	/**
	 * Whether a header value holds a control character (C0, DEL or C1) other than the
	 * spaces and tabs padding it: such a value is rejected.
	 * @param raw the header value
	 * @return whether it holds one
	 */
	public static boolean holdsControlCharacter(String raw) {
		int start = 0;
		int end = raw.length();
		while (start < end && (raw.charAt(start) == ' ' || raw.charAt(start) == '\t')) {
			start++;
		}
		while (end > start && (raw.charAt(end - 1) == ' ' || raw.charAt(end - 1) == '\t')) {
			end--;
		}
		for (int i = start; i < end; i++) {
			if (isControl(raw.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a character is a control character: C0, DEL or C1.
	 * @param c the character
	 * @return whether it is one
	 */
	public static boolean isControl(char c) {
		return c < 0x20 || (c >= 0x7f && c <= 0x9f);
	}

	/**
	 * Return the first control character of a value.
	 * @param value the value
	 * @return its index, or {@code -1}
	 */
	public static int indexOfControl(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (isControl(value.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Describe a value briefly for a failure message: its length, the text with repeated
	 * runs folded ({@code «x×2047»}) and non-ASCII or control characters escaped, and
	 * only its start and end when that is still long.
	 * @param value the value, may be {@code null}
	 * @return the description
	 */
	public static String describe(@Nullable String value) {
		if (value == null) {
			return "null";
		}
		StringBuilder folded = new StringBuilder();
		int i = 0;
		while (i < value.length()) {
			int bestUnit = 0;
			int bestCount = 0;
			for (int unit = 1; unit <= 4 && i + unit <= value.length(); unit++) {
				int count = 1;
				while (value.regionMatches(i + count * unit, value, i, unit)) {
					count++;
				}
				if (count * unit >= 8 && count * unit > bestCount * bestUnit) {
					bestUnit = unit;
					bestCount = count;
				}
			}
			if (bestUnit > 0) {
				folded.append('«')
					.append(escape(value.substring(i, i + bestUnit)))
					.append('×')
					.append(bestCount)
					.append('»');
				i += bestUnit * bestCount;
			}
			else {
				folded.append(escape(value.substring(i, i + 1)));
				i++;
			}
		}
		String text = folded.toString();
		if (text.length() > 300) {
			text = text.substring(0, 140) + " … " + text.substring(text.length() - 140);
		}
		return "(" + value.length() + " chars) \"" + text + "\"";
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
				escaped.append(c);
			}
			else {
				escaped.append(String.format("\\u%04x", (int) c));
			}
		}
		return escaped.toString();
	}

	/**
	 * Return the optional gateway headers: each missing or any raw value, and sometimes
	 * one value repeated in every header.
	 * @return the arbitrary
	 */
	public static Arbitrary<Headers> optionalHeaders() {
		Arbitrary<Headers> independent = headerValue().list().ofSize(OPTIONAL_HEADERS.size()).map((values) -> {
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 0; i < values.size(); i++) {
				if (values.get(i) != null) {
					headers.put(OPTIONAL_HEADERS.get(i), values.get(i));
				}
			}
			return new Headers(headers);
		});
		Arbitrary<Headers> repeated = rawValue().map((value) -> {
			Map<String, String> headers = new LinkedHashMap<>();
			OPTIONAL_HEADERS.forEach((name) -> headers.put(name, value));
			return new Headers(headers);
		});
		return Arbitraries.frequencyOf(Tuple.of(9, independent), Tuple.of(1, repeated));
	}

	/**
	 * Return an {@code x-dd-proxy} value that names a supported gateway, in any case,
	 * padded or quoted.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> supportedSystem() {
		Arbitrary<String> value = Combinators
			.combine(Arbitraries.of("aws-apigateway", "aws-httpapi", "azure-apim"), Arbitraries.longs())
			.as((name, caseBits) -> {
				StringBuilder mixed = new StringBuilder();
				for (int i = 0; i < name.length(); i++) {
					char c = name.charAt(i);
					mixed.append((((caseBits >>> (i % 64)) & 1) == 1) ? Character.toUpperCase(c) : c);
				}
				return mixed.toString();
			});
		Arbitrary<String> pad = Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
		Arbitrary<Boolean> quoted = Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true));
		return Combinators.combine(pad, quoted, value, pad)
			.as((left, quote, name, right) -> left + (quote ? "'" + name + "'" : name) + right);
	}

	/**
	 * One raw header value whose {@code toString()} stays short (see
	 * {@link #describe(String)}).
	 *
	 * @param text the value, {@code null} for a missing header
	 */
	public record Raw(@Nullable String text) {

		@Override
		public String toString() {
			return describe(this.text);
		}

	}

	/**
	 * A set of request headers whose {@code toString()} stays short, so that a failure
	 * report shows a shrunk sample of 100 KB headers readably.
	 *
	 * @param values the header values by lower-case name; a missing header is absent
	 */
	public record Headers(Map<String, String> values) {

		/**
		 * Return the headers with one more value, or without the header when it is
		 * {@code null}.
		 * @param name the header name
		 * @param value the value or {@code null}
		 * @return new headers
		 */
		public Headers with(String name, @Nullable String value) {
			Map<String, String> copy = new LinkedHashMap<>(this.values);
			if (value != null) {
				copy.put(name, value);
			}
			else {
				copy.remove(name);
			}
			return new Headers(copy);
		}

		/**
		 * Return the value of a header.
		 * @param name the lower-case name
		 * @return the value or {@code null}
		 */
		public @Nullable String get(String name) {
			return this.values.get(name);
		}

		/**
		 * Return a lookup that matches names ignoring case, as the web stacks do.
		 * @return the lookup
		 */
		public HeaderLookup lookup() {
			Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			caseInsensitive.putAll(this.values);
			return caseInsensitive::get;
		}

		@Override
		public String toString() {
			return this.values.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + "=" + describe(entry.getValue()))
				.collect(Collectors.joining(", ", "{", "}"));
		}

	}

}
