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

/**
 * The line columns of an erased customer's orders: the items stay, the notes
 * go. A note is free text the customer typed ("ring flat 3, ask for Ada"), so
 * it may name them.
 */
export const ERASED_LINE_COLUMNS = { note: null } as const;

/** An OrderPlaced payload without the person: no contact details, address, account or line notes. */
export function erasePlacedPayload<P extends Record<string, unknown>>(payload: P): P {
	const lines = Array.isArray(payload.lines)
		? payload.lines.map((line: Record<string, unknown>) => ({ ...line, ...ERASED_LINE_COLUMNS }))
		: payload.lines;
	return { ...payload, contact: { ...ERASED_CONTACT }, deliveryAddress: null, customerId: null, lines };
}
