/**
 * Who may use a cart, and whether it still takes changes. A cart id is a
 * secret: whoever names it may use a guest's cart; a signed-in customer's
 * cart is theirs alone. To anyone else the cart does not exist.
 */
import { violation } from "@goodfood/platform/rule-violation";

export interface CartOwnership {
	cartId: string;
	orderId: string;
	ownerId: string | null;
	status: "open" | "checked_out";
}

/** The cart, if the caller named it by its id and, for a customer's cart, is that customer. */
export function assertCartFor<C extends CartOwnership>(
	cart: C | undefined,
	cartId: string,
	customerId: string | null,
): C {
	if (!cart || cart.cartId !== cartId || (cart.ownerId !== null && cart.ownerId !== customerId)) {
		throw violation("cart_not_found", "Cart not found");
	}
	return cart;
}

/** A checked-out cart takes no more changes; the refusal names the order it became. */
export function assertOpen<C extends CartOwnership>(cart: C): C {
	if (cart.status !== "open") {
		throw violation("cart_checked_out", "This cart has been checked out", { orderId: cart.orderId });
	}
	return cart;
}
