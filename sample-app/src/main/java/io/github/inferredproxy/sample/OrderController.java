package io.github.inferredproxy.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.inferredproxy.sample.ShippingClient.Shipment;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The orders API. Only annotations and return types that Spring MVC and Spring WebFlux
 * both understand, so it serves both.
 *
 * @author Inferred Proxy contributors
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private final OrderRepository orders;

	private final InvoiceRenderer invoices;

	private final ShippingClient shipping;

	OrderController(OrderRepository orders, InvoiceRenderer invoices, ShippingClient shipping) {
		this.orders = orders;
		this.invoices = invoices;
		this.shipping = shipping;
	}

	@GetMapping
	List<Order> list() {
		return this.orders.findAll();
	}

	@GetMapping("/{id}")
	Order get(@PathVariable String id) {
		return find(id);
	}

	@PostMapping
	ResponseEntity<Order> create(@RequestBody NewOrder request) {
		Order order = this.orders.create(request.customer(), request.item(), request.total());
		return ResponseEntity.created(URI.create("/orders/" + order.id())).body(order);
	}

	/**
	 * The slow endpoint: rendering takes a while. On WebFlux it runs on the blocking
	 * executor ({@link ReactiveBlockingExecutionConfiguration}).
	 * @param id the order
	 * @return the invoice
	 */
	@GetMapping(path = "/{id}/invoice", produces = MediaType.TEXT_PLAIN_VALUE)
	String invoice(@PathVariable String id) {
		return this.invoices.render(find(id));
	}

	/**
	 * The async endpoint: the response is written on another thread when the carrier
	 * answers (an async dispatch on Spring MVC).
	 * @param id the order
	 * @return the shipment, later
	 */
	@GetMapping("/{id}/shipment")
	CompletableFuture<Shipment> shipment(@PathVariable String id) {
		return this.shipping.shipment(find(id));
	}

	/**
	 * The failing endpoint: the payment provider is down, the application answers 500.
	 * @param id the order
	 */
	@PostMapping("/{id}/refund")
	void refund(@PathVariable String id) {
		find(id);
		throw new PaymentProviderException("Payment provider unavailable, refund of order " + id + " not issued");
	}

	private Order find(String id) {
		return this.orders.findById(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No order " + id));
	}

	/**
	 * A new order.
	 *
	 * @param customer who orders
	 * @param item what
	 * @param total what it costs
	 */
	record NewOrder(String customer, String item, BigDecimal total) {

	}

	/**
	 * Thrown when the payment provider cannot be reached.
	 */
	static class PaymentProviderException extends RuntimeException {

		PaymentProviderException(String message) {
			super(message);
		}

	}

}
