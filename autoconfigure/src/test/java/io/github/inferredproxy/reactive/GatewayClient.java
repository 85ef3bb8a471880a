package io.github.inferredproxy.reactive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to the application under test: through the JDK client, or over a raw
 * socket for what a well-behaved client would refuse to send (control characters) or do
 * (hang up in the middle of a response).
 */
final class GatewayClient {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	GatewayClient(int port) {
		this.port = port;
	}

	HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		return getAsync(path, headers).get();
	}

	CompletableFuture<HttpResponse<String>> getAsync(String path, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
		headers.forEach(request::header);
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Send a GET over a raw socket, header values as ISO-8859-1 bytes, read the whole
	 * response and return its status code.
	 */
	int rawGet(String path, Map<String, String> headers) throws IOException {
		try (Socket socket = connect()) {
			writeRequest(socket, path, headers);
			String head = readUntil(socket.getInputStream(), "\r\n");
			socket.getInputStream().transferTo(OutputStream.nullOutputStream());
			return Integer.parseInt(head.substring(9, 12));
		}
	}

	/**
	 * Start a streaming GET, wait for the first bytes of the body matching
	 * {@code marker}, then hang up without reading further.
	 */
	void getAndHangUpAfter(String path, Map<String, String> headers, String marker) throws IOException {
		try (Socket socket = connect()) {
			writeRequest(socket, path, headers);
			readUntil(socket.getInputStream(), marker);
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket("127.0.0.1", this.port);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void writeRequest(Socket socket, String path, Map<String, String> headers) throws IOException {
		StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		request.append("Connection: close\r\n\r\n");
		OutputStream out = socket.getOutputStream();
		out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	private static String readUntil(InputStream in, String marker) throws IOException {
		StringBuilder read = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			read.append((char) b);
			if (read.indexOf(marker) >= 0) {
				return read.toString();
			}
		}
		throw new IOException("Connection closed before '" + marker + "' arrived; got: " + read);
	}

}
