package io.github.inferredproxy.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether the gateway headers of a request may be honoured: the gateway headers
 * are plain request headers, which any client that reaches the application directly can
 * forge. Off ({@link #none()}) unless a shared secret or trusted networks are added; with
 * both, both must hold.
 * <ul>
 * <li>A <em>shared secret</em> is a header that the gateway mapping sets to a static
 * value. It is compared in constant time. The header still reaches the application, its
 * filters and whatever logs request headers.</li>
 * <li><em>Trusted networks</em> (CIDR) are matched against the remote address of the
 * connection, the hop the request came from: behind a load balancer or proxy that is the
 * load balancer's address, not the gateway's; with forwarded headers applied by the
 * server, it may be the address from {@code X-Forwarded-For}, which a client can forge.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) are matched as IPv4. Only IP
 * literals are accepted, so there is never a DNS lookup.</li>
 * </ul>
 * Immutable and thread-safe.
 *
 * @author Inferred Proxy contributors
 */
public final class TrustPolicy {

	/**
	 * The default name of the shared secret header.
	 */
	public static final String DEFAULT_SHARED_SECRET_HEADER = "x-dd-proxy-secret";

	private static final TrustPolicy NONE = new TrustPolicy(DEFAULT_SHARED_SECRET_HEADER, null, new Network[0]);

	private final String sharedSecretHeader;

	private final byte @Nullable [] sharedSecret;

	private final Network[] networks;

	private TrustPolicy(String sharedSecretHeader, byte @Nullable [] sharedSecret, Network[] networks) {
		this.sharedSecretHeader = sharedSecretHeader;
		this.sharedSecret = sharedSecret;
		this.networks = networks;
	}

	/**
	 * Return the policy that trusts every request.
	 * @return the policy without checks
	 */
	public static TrustPolicy none() {
		return NONE;
	}

	/**
	 * Return a copy of this policy that also requires the shared secret header to hold
	 * the given value.
	 * @param secret the expected value: printable ASCII, not blank; surrounding blanks
	 * and one pair of single quotes are removed, as from every gateway header value
	 * @return the new policy
	 * @throws IllegalArgumentException when the secret is blank or not printable ASCII
	 */
	public TrustPolicy withSharedSecret(String secret) {
		String value = unquote(secret);
		if (value.isEmpty()) {
			throw new IllegalArgumentException("Set a non-blank value, for example a random hex string.");
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				throw new IllegalArgumentException(
						"Use printable ASCII characters only, for example a random hex string.");
			}
		}
		return new TrustPolicy(this.sharedSecretHeader, value.getBytes(StandardCharsets.UTF_8), this.networks);
	}

	/**
	 * Return a copy of this policy that reads the shared secret from another header.
	 * @param headerName the header name, matched ignoring case
	 * @return the new policy
	 * @throws IllegalArgumentException when the name is not a valid header name
	 */
	public TrustPolicy withSharedSecretHeader(String headerName) {
		String name = headerName.strip();
		if (name.isEmpty() || !name.chars().allMatch(TrustPolicy::isTokenCharacter)) {
			throw new IllegalArgumentException("Set a header name of letters, digits and dashes, for example "
					+ DEFAULT_SHARED_SECRET_HEADER + ".");
		}
		return new TrustPolicy(name.toLowerCase(Locale.ROOT), this.sharedSecret, this.networks);
	}

	/**
	 * Return a copy of this policy that also trusts requests from the given network.
	 * @param cidr a network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32})
	 * or a single address ({@code 192.0.2.10}, {@code 2001:db8::1})
	 * @return the new policy
	 * @throws IllegalArgumentException when the text is not such a network
	 */
	public TrustPolicy withNetwork(String cidr) {
		Network[] networks = Arrays.copyOf(this.networks, this.networks.length + 1);
		networks[this.networks.length] = Network.parse(cidr);
		return new TrustPolicy(this.sharedSecretHeader, this.sharedSecret, networks);
	}

	/**
	 * Return whether this policy checks anything.
	 * @return {@code false} for a policy that trusts every request
	 */
	public boolean isEnabled() {
		return this.sharedSecret != null || this.networks.length > 0;
	}

	/**
	 * Return whether a request passes this policy.
	 * @param headers the request headers
	 * @param remoteAddress supplies the remote IP address of the request as a literal (or
	 * {@code null} when unknown); called only when trusted networks are configured
	 * @return whether the gateway headers of the request may be honoured
	 */
	public boolean isTrusted(HeaderLookup headers, Supplier<@Nullable String> remoteAddress) {
		byte[] secret = this.sharedSecret;
		if (secret != null && !matchesSharedSecret(secret, headers.firstValue(this.sharedSecretHeader))) {
			return false;
		}
		return this.networks.length == 0 || isInTrustedNetwork(remoteAddress.get());
	}

	private static boolean matchesSharedSecret(byte[] expected, @Nullable String received) {
		byte[] actual = (received != null) ? unquote(received).getBytes(StandardCharsets.UTF_8) : new byte[0];
		// Constant time: the time taken depends on the length of the expected value only,
		// so it tells a client neither how much of a guess was right nor the secret's
		// length.
		return MessageDigest.isEqual(expected, actual);
	}

	private boolean isInTrustedNetwork(@Nullable String remoteAddress) {
		byte[] address = (remoteAddress != null) ? parseRemoteAddress(remoteAddress) : null;
		if (address == null) {
			return false;
		}
		for (Network network : this.networks) {
			if (network.contains(address)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "TrustPolicy[sharedSecret=" + ((this.sharedSecret != null) ? "in " + this.sharedSecretHeader : "none")
				+ ", networks=" + Arrays.toString(this.networks) + "]";
	}

	/**
	 * Parse a remote address as servers report it: an IP literal, perhaps in brackets or
	 * with an IPv6 zone, an IPv4-mapped IPv6 address turned into its IPv4 address.
	 * @param text the address
	 * @return its 4 or 16 bytes, or {@code null} when it is not an IP literal
	 */
	static byte @Nullable [] parseRemoteAddress(String text) {
		String address = text.strip();
		if (address.length() > 2 && address.charAt(0) == '[' && address.charAt(address.length() - 1) == ']') {
			address = address.substring(1, address.length() - 1);
		}
		int zone = address.indexOf('%');
		if (zone >= 0 && address.indexOf(':') >= 0) {
			address = address.substring(0, zone);
		}
		return parseAddress(address);
	}

	/**
	 * Parse an IP literal, never resolving a name: dotted-decimal IPv4 without leading
	 * zeros (which some tools read as octal), or IPv6 (RFC 4291 text forms, without
	 * zone). An IPv4-mapped IPv6 address is returned as its IPv4 address.
	 * @param text the literal
	 * @return its 4 or 16 bytes, or {@code null} when it is not an IP literal
	 */
	static byte @Nullable [] parseAddress(String text) {
		if (text.indexOf(':') < 0) {
			return parseIpv4(text);
		}
		byte[] ipv6 = parseIpv6(text);
		if (ipv6 != null && isIpv4Mapped(ipv6)) {
			return Arrays.copyOfRange(ipv6, 12, 16);
		}
		return ipv6;
	}

	private static boolean isIpv4Mapped(byte[] ipv6) {
		for (int i = 0; i < 10; i++) {
			if (ipv6[i] != 0) {
				return false;
			}
		}
		return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
	}

	private static byte @Nullable [] parseIpv4(String text) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		byte[] result = new byte[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
				return null;
			}
			int value = 0;
			for (int j = 0; j < part.length(); j++) {
				char c = part.charAt(j);
				if (c < '0' || c > '9') {
					return null;
				}
				value = value * 10 + (c - '0');
			}
			if (value > 255) {
				return null;
			}
			result[i] = (byte) value;
		}
		return result;
	}

	private static byte @Nullable [] parseIpv6(String text) {
		int doubleColon = text.indexOf("::");
		if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
			return null;
		}
		int[] head;
		int[] tail;
		if (doubleColon < 0) {
			head = parseGroups(text, true);
			tail = new int[0];
		}
		else {
			head = parseGroups(text.substring(0, doubleColon), false);
			tail = parseGroups(text.substring(doubleColon + 2), true);
		}
		if (head == null || tail == null) {
			return null;
		}
		int groups = head.length + tail.length;
		if ((doubleColon < 0) ? groups != 8 : groups > 7) {
			return null;
		}
		byte[] result = new byte[16];
		for (int i = 0; i < head.length; i++) {
			result[2 * i] = (byte) (head[i] >> 8);
			result[2 * i + 1] = (byte) head[i];
		}
		for (int i = 0; i < tail.length; i++) {
			int index = 16 - 2 * (tail.length - i);
			result[index] = (byte) (tail[i] >> 8);
			result[index + 1] = (byte) tail[i];
		}
		return result;
	}

	/**
	 * Parse colon-separated groups of 1 to 4 hex digits, the last one perhaps a dotted
	 * IPv4 address (two groups).
	 * @param text the address text
	 * @param mayEndWithIpv4 whether the last 32 bits may be written as an IPv4 address
	 * @return the groups, or {@code null} when the text is not such an address
	 */
	private static int @Nullable [] parseGroups(String text, boolean mayEndWithIpv4) {
		if (text.isEmpty()) {
			return new int[0];
		}
		String[] parts = text.split(":", -1);
		String last = parts[parts.length - 1];
		byte[] ipv4 = null;
		if (last.indexOf('.') >= 0) {
			ipv4 = mayEndWithIpv4 ? parseIpv4(last) : null;
			if (ipv4 == null) {
				return null;
			}
		}
		int hexGroups = (ipv4 != null) ? parts.length - 1 : parts.length;
		int[] result = new int[(ipv4 != null) ? hexGroups + 2 : hexGroups];
		for (int i = 0; i < hexGroups; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 4) {
				return null;
			}
			int value = 0;
			for (int j = 0; j < part.length(); j++) {
				int digit = hexDigit(part.charAt(j));
				if (digit < 0) {
					return null;
				}
				value = (value << 4) | digit;
			}
			result[i] = value;
		}
		if (ipv4 != null) {
			result[hexGroups] = ((ipv4[0] & 0xff) << 8) | (ipv4[1] & 0xff);
			result[hexGroups + 1] = ((ipv4[2] & 0xff) << 8) | (ipv4[3] & 0xff);
		}
		return result;
	}

	private static int hexDigit(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		return -1;
	}

	/**
	 * Strip surrounding blanks and one pair of single quotes, as for every gateway
	 * header.
	 * @param value the value
	 * @return the value without the quotes
	 */
	private static String unquote(String value) {
		String result = value.strip();
		if (result.length() >= 2 && result.charAt(0) == '\'' && result.charAt(result.length() - 1) == '\'') {
			result = result.substring(1, result.length() - 1).strip();
		}
		return result;
	}

	private static boolean isTokenCharacter(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
				|| c == '.';
	}

	/**
	 * A network: the first {@code prefixLength} bits of an address.
	 */
	private static final class Network {

		private final byte[] address;

		private final int prefixLength;

		private Network(byte[] address, int prefixLength) {
			this.address = address;
			this.prefixLength = prefixLength;
		}

		static Network parse(String cidr) {
			String text = cidr.strip();
			int slash = text.indexOf('/');
			String addressText = (slash >= 0) ? text.substring(0, slash) : text;
			byte[] address = parseAddress(addressText);
			if (address == null) {
				throw new IllegalArgumentException("Set an IPv4 or IPv6 network in CIDR notation (10.0.0.0/8, "
						+ "2001:db8::/32) or a single address; host names are not accepted.");
			}
			int bits = address.length * 8;
			int prefixLength = bits;
			if (slash >= 0) {
				prefixLength = parsePrefixLength(text.substring(slash + 1));
				// An IPv4-mapped network is written with an IPv6 prefix length.
				int mappedOffset = (addressText.indexOf(':') >= 0 && address.length == 4) ? 96 : 0;
				prefixLength -= mappedOffset;
				if (prefixLength < 0 || prefixLength > bits) {
					throw new IllegalArgumentException(
							"Set a prefix length from " + mappedOffset + " to " + (bits + mappedOffset) + ".");
				}
			}
			Network network = new Network(address, prefixLength);
			if (hasHostBits(address, prefixLength)) {
				throw new IllegalArgumentException(
						"The address has bits set beyond the prefix length: did you mean " + network + "?");
			}
			return network;
		}

		private static int parsePrefixLength(String text) {
			if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				throw new IllegalArgumentException("Set a prefix length of digits after the '/', as in 10.0.0.0/8.");
			}
			return Integer.parseInt(text);
		}

		private static boolean hasHostBits(byte[] address, int prefixLength) {
			for (int bit = prefixLength; bit < address.length * 8; bit++) {
				if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
					return true;
				}
			}
			return false;
		}

		boolean contains(byte[] candidate) {
			if (candidate.length != this.address.length) {
				return false;
			}
			int fullBytes = this.prefixLength / 8;
			for (int i = 0; i < fullBytes; i++) {
				if (candidate[i] != this.address[i]) {
					return false;
				}
			}
			int remainingBits = this.prefixLength % 8;
			if (remainingBits == 0) {
				return true;
			}
			int mask = (0xff << (8 - remainingBits)) & 0xff;
			return (candidate[fullBytes] & mask) == (this.address[fullBytes] & mask);
		}

		@Override
		public String toString() {
			byte[] masked = this.address.clone();
			for (int bit = this.prefixLength; bit < masked.length * 8; bit++) {
				masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
			}
			StringBuilder text = new StringBuilder();
			if (masked.length == 4) {
				for (int i = 0; i < 4; i++) {
					text.append((i > 0) ? "." : "").append(masked[i] & 0xff);
				}
			}
			else {
				for (int i = 0; i < 16; i += 2) {
					int group = ((masked[i] & 0xff) << 8) | (masked[i + 1] & 0xff);
					text.append((i > 0) ? ":" : "").append(Integer.toHexString(group));
				}
			}
			return text.append('/').append(this.prefixLength).toString();
		}

	}

}
