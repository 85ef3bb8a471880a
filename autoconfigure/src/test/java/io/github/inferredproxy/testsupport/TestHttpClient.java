package io.github.inferredproxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends requests to the application under test: with the JDK {@link HttpClient} for
 * ordinary requests, and over a raw socket for bytes that no well-behaved client sends.
 */
public final class TestHttpClient {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final AtomicInteger NEXT_ID = new AtomicInteger();

	private final int port;

	/**
	 * Create a client.
	 * @param port the local server port
	 */
	public TestHttpClient(int port) {
		this.port = port;
	}

	/**
	 * Send a GET request and wait for its response.
	 * @param path the path
	 * @param headers the request headers
	 * @return the response
	 * @throws Exception when the exchange fails
	 */
	public HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		return this.client.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Send a GET request.
	 * @param path the path
	 * @param headers the request headers
	 * @return the response, when it arrives
	 */
	public CompletableFuture<HttpResponse<String>> getAsync(String path, Map<String, String> headers) {
		return this.client.sendAsync(request(path, headers), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String path, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20));
		headers.forEach(request::header);
		return request.build();
	}

	/**
	 * Send a GET request over a raw socket, header bytes as given (ISO-8859-1), and read
	 * the whole response.
	 * @param path the path
	 * @param rawHeaderLines header lines without line ends
	 * @return the response, status line first
	 * @throws IOException when the exchange fails
	 */
	public RawResponse rawGet(String path, String... rawHeaderLines) throws IOException {
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		for (String line : rawHeaderLines) {
			request.append(line).append("\r\n");
		}
		request.append("Connection: close\r\n\r\n");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			in.transferTo(response);
			return new RawResponse(response.toString(StandardCharsets.ISO_8859_1));
		}
	}

	/**
	 * Send a GET request over a raw socket, on a connection of its own, and read the
	 * whole response.
	 * @param path the path
	 * @param headers the request headers, values sent as ISO-8859-1 bytes
	 * @return the response, status line first
	 * @throws IOException when the exchange fails
	 */
	public RawResponse rawGet(String path, Map<String, String> headers) throws IOException {
		return rawGet(path, headerLines(headers));
	}

	/**
	 * Open a GET request over a raw socket, read the response until {@code marker}
	 * arrives, and close the connection: a client that goes away before the response is
	 * complete.
	 * @param path the path
	 * @param headers the request headers
	 * @param marker the text to wait for before closing
	 * @throws IOException when the exchange fails or ends before the marker
	 */
	public void getAndHangUpAfter(String path, Map<String, String> headers, String marker) throws IOException {
		StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		for (String line : headerLines(headers)) {
			request.append(line).append("\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(20_000);
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			StringBuilder read = new StringBuilder();
			int b;
			while (read.indexOf(marker) < 0) {
				b = in.read();
				if (b == -1) {
					throw new IOException("Connection closed before '" + marker + "' arrived; got: " + read);
				}
				read.append((char) b);
			}
			// Close with a reset rather than a polite FIN, as a client that crashed
			// would.
			socket.setSoLinger(true, 0);
		}
	}

	/**
	 * Send the head of a request over a raw socket, and part of a body when
	 * {@code declaredLength} is positive, wait until the application's handler has
	 * started on it ({@link RequestsReceived}), and reset the connection without reading
	 * anything: a client that goes away before the response starts.
	 * @param method the method
	 * @param path the path of an endpoint that reports to {@link RequestsReceived}
	 * @param headers the request headers
	 * @param declaredLength the {@code Content-Length} to declare, {@code 0} for none
	 * @param bodyPart the part of the body to send, shorter than {@code declaredLength}
	 * @throws IOException when the exchange fails
	 */
	public void sendAndHangUp(String method, String path, Map<String, String> headers, int declaredLength,
			String bodyPart) throws IOException {
		String requestId = "hang-up-" + NEXT_ID.incrementAndGet();
		StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		for (String line : headerLines(headers)) {
			request.append(line).append("\r\n");
		}
		request.append(GatewayObservationRecorder.REQUEST_ID_HEADER).append(": ").append(requestId).append("\r\n");
		if (declaredLength > 0) {
			request.append("Content-Type: application/octet-stream\r\nContent-Length: ")
				.append(declaredLength)
				.append("\r\n");
		}
		request.append("\r\n").append(bodyPart);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			RequestsReceived.await(requestId);
			socket.setSoLinger(true, 0);
		}
	}

	private static String[] headerLines(Map<String, String> headers) {
		return headers.entrySet()
			.stream()
			.map((header) -> header.getKey() + ": " + header.getValue())
			.toArray(String[]::new);
	}

	/**
	 * A response read from a raw socket.
	 *
	 * @param text the whole response
	 */
	public record RawResponse(String text) {

		/**
		 * Return the status code from the status line.
		 * @return the status code
		 */
		public int statusCode() {
			return Integer.parseInt(this.text.substring(9, 12));
		}

		/**
		 * Return the body (chunked transfer coding left as is).
		 * @return what follows the header section
		 */
		public String body() {
			int end = this.text.indexOf("\r\n\r\n");
			return (end >= 0) ? this.text.substring(end + 4) : "";
		}

	}

}
