/**
 * Erasing a customer (account deletion): orders stay, for the restaurant's
 * books, but the person does not. One home for what "erased" means, used by
 * the order's event stream (the Cart object), the read models (the deletion
 * itself, and a projection that arrives after it) and the notification log.
 */

/** The contact an erased customer's orders show. */
export const ERASED_CONTACT = { name: "Deleted customer", email: "deleted@invalid.example", phone: "" } as const;

/** The read-model columns of an erased customer's orders. */
export const ERASED_ORDER_COLUMNS = {
	customerRef: null,
	contactName: ERASED_CONTACT.name,
	contactEmail: ERASED_CONTACT.email,
	contactPhone: ERASED_CONTACT.phone,
	deliveryAddress: null,
} as const;

/** An OrderPlaced payload without the person: no contact details, address or account. */
export function erasePlacedPayload<P extends Record<string, unknown>>(payload: P): P {
	return { ...payload, contact: { ...ERASED_CONTACT }, deliveryAddress: null, customerId: null };
}
