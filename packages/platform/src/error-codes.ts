/**
 * The closed set of error codes the API answers, each with its HTTP status.
 * `ApiError` and the rule violations that cross Durable Object RPC both take
 * only these codes, so a new one is added here, once, with its status.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_CODES = {
	bad_request: 400,
	validation_failed: 400,
	idempotency_key_required: 400,
	quantity_out_of_range: 400,
	invalid_tip: 400,
	delivery_address_required: 400,
	invalid_bookmark: 400,
	// GraphQL operations refused before they run (graph/limits.ts).
	query_too_deep: 400,
	query_too_costly: 400,
	too_many_aliases: 400,
	too_many_operations: 400,
	// A webhook whose signature does not verify (payments/webhook-routes.ts).
	invalid_signature: 400,
	// A photo upload with no bytes (menu/images).
	image_empty: 400,
	// An e-mailed link (password reset, verification, invitation) whose token was never issued.
	link_invalid: 400,
	unauthorized: 401,
	// The card was declined, or its second step failed: the cart is open again.
	payment_declined: 402,
	forbidden: 403,
	// Saved addresses wait until the account's e-mail address is verified.
	email_unverified: 403,
	introspection_disabled: 403,
	not_found: 404,
	cart_not_found: 404,
	line_not_found: 404,
	method_not_allowed: 405,
	conflict: 409,
	email_taken: 409,
	// An invitation to an address that is already a staff account.
	already_staff: 409,
	already_verified: 409,
	// A new location whose slug another location has.
	location_exists: 409,
	// Staff paused ordering at the location ("kitchen overwhelmed"); details give their reason.
	location_paused: 409,
	illegal_transition: 409,
	cart_checked_out: 409,
	cart_empty: 409,
	cart_full: 409,
	item_sold_out: 409,
	item_unavailable: 409,
	location_closed: 409,
	prices_changed: 409,
	idempotency_key_in_use: 409,
	location_has_open_orders: 409,
	location_moved: 409,
	payment_amount_mismatch: 409,
	payment_already_captured: 409,
	payment_already_voided: 409,
	payment_not_authorised: 409,
	payment_not_captured: 409,
	payment_not_voidable: 409,
	payment_pending: 409,
	refund_exceeds_remaining: 409,
	// The kitchen has fewer units left than the order needs (details name the lines).
	out_of_stock: 409,
	// The order's 15-minute slot is fully booked (details offer the next free slots).
	slot_full: 409,
	// An e-mailed link past its expiry, or one already used: a link works once.
	link_expired: 410,
	link_used: 410,
	payload_too_large: 413,
	// A photo over 5 MB (menu/images).
	image_too_large: 413,
	unsupported_media_type: 415,
	// A photo that is an image, but not JPEG, PNG or WebP (a GIF, an SVG), by its bytes.
	image_type_unsupported: 415,
	// A photo whose bytes are no image at all, or one too damaged to read its size.
	image_unreadable: 415,
	unprocessable: 422,
	unknown_item: 422,
	// An item names an imageId no upload gave out.
	unknown_image: 422,
	item_not_at_location: 422,
	unknown_option: 422,
	option_required: 422,
	too_many_options: 422,
	quantity_exceeded: 422,
	currency_mismatch: 422,
	pickup_not_offered: 422,
	delivery_not_offered: 422,
	outside_delivery_radius: 422,
	slot_unavailable: 422,
	idempotency_key_reused: 422,
	unknown_region: 422,
	// A closure whose first day has already passed at the location.
	closure_in_past: 422,
	payment_currency_mismatch: 422,
	pay_at_pickup_not_offered: 422,
	rate_limited: 429,
	internal_error: 500,
	configuration_invalid: 500,
	// The payment provider did not answer or failed; nothing was charged twice and the step is retried.
	payment_provider_unavailable: 502,
	unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every code, in the order above: for an OpenAPI enum or a test that walks them. */
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
