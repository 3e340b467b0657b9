/** Request and response schemas of carts and checkout, for validation, the DO's RPC types and the API document. */

import { ApiError, type ErrorCode, validationError } from "@goodfood/platform/errors";
import { z } from "@hono/zod-openapi";
import { MoneySchema } from "../menu/schemas";
import { Fulfilment } from "../ordering/events";
import { PaymentInput, PaymentView } from "../payments/schemas";
import { MAX_QUANTITY } from "./domain/pricing";
import { CART_ID_PATTERN } from "./identity";

export const CartIdParam = z.object({
	cartId: z
		.string()
		.regex(CART_ID_PATTERN, "must be a cart id")
		.openapi({ param: { name: "cartId", in: "path" }, example: "crt_eu_3f2a9c0d1e4b5a697887766554433221" }),
});

export const LineIdParam = CartIdParam.extend({
	lineId: z
		.string()
		.regex(/^ln_[0-9a-f]{16}$/, "must be a line id")
		.openapi({ param: { name: "lineId", in: "path" } }),
});

export const CreateCartInput = z
	.object({ locationSlug: z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a location slug") })
	.openapi("CreateCartInput");

const Quantity = z
	.number()
	.int("must be a whole number")
	.min(1, "must be at least 1")
	.max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`);
const OptionIds = z
	.array(z.string().min(1).max(100))
	.max(30)
	.refine((ids) => new Set(ids).size === ids.length, "must not repeat an option");
const Note = z.string().trim().max(200).nullish();

export const AddLineInput = z
	.object({
		itemId: z.string().min(1).max(100),
		quantity: Quantity.default(1),
		options: OptionIds.default([]),
		note: Note,
	})
	.openapi("AddLineInput");
export type AddLineInput = z.infer<typeof AddLineInput>;

export const UpdateLineInput = z
	.object({ quantity: Quantity.optional(), options: OptionIds.optional(), note: Note })
	.refine((patch) => Object.values(patch).some((value) => value !== undefined), "must change something")
	.openapi("UpdateLineInput");
export type UpdateLineInput = z.infer<typeof UpdateLineInput>;

export const CartPreviewQuery = z.object({
	fulfilment: Fulfilment.default("pickup"),
	tip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const DeliveryAddressInput = z
	.object({
		line1: z.string().trim().min(1).max(200),
		line2: z.string().trim().max(200).nullish(),
		city: z.string().trim().min(1).max(100),
		postcode: z.string().trim().min(1).max(20),
		latitude: z.number().min(-90).max(90),
		longitude: z.number().min(-180).max(180),
	})
	.openapi("DeliveryAddress", {
		description: "Coordinates come from the client's address lookup or geolocation; the radius is checked against them",
	});

export const CheckoutInput = z
	.object({
		fulfilment: Fulfilment,
		deliveryAddress: DeliveryAddressInput.nullish(),
		contact: z.object({
			name: z.string().trim().min(1).max(100),
			email: z.email().max(200),
			phone: z
				.string()
				.trim()
				.regex(/^\+?[0-9][0-9 ()-]{5,19}$/, "must be a phone number"),
		}),
		requestedTime: z
			.union([z.literal("asap"), z.iso.datetime({ offset: true })])
			.default("asap")
			.openapi({ description: '"asap" or an ISO 8601 time within opening hours' }),
		tip: z
			.object({ amount: z.number().int().min(0, "must not be negative").max(1_000_000), currency: z.string() })
			.optional(),
		payment: PaymentInput,
	})
	.superRefine((checkout, ctx) => {
		if (checkout.fulfilment === "delivery" && !checkout.deliveryAddress) {
			ctx.addIssue({ code: "custom", path: ["deliveryAddress"], message: "is required for delivery" });
		}
		if (checkout.fulfilment === "delivery" && checkout.payment?.method === "pay_at_pickup") {
			ctx.addIssue({ code: "custom", path: ["payment", "method"], message: "must be card for delivery" });
		}
	})
	.openapi("CheckoutInput");
export type CheckoutInput = z.infer<typeof CheckoutInput>;

export const OneShotOrderInput = CheckoutInput.and(
	z.object({
		locationSlug: z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a location slug"),
		items: z.array(AddLineInput).min(1, "must hold at least one item").max(100),
	}),
).openapi("OneShotOrderInput");
export type OneShotOrderInput = z.infer<typeof OneShotOrderInput>;

export const IdempotencyHeader = z.object({
	"idempotency-key": z
		.string()
		.min(16, "must be at least 16 characters, e.g. a UUID")
		.max(128)
		.regex(/^[\x21-\x7e]+$/, "must be printable ASCII")
		.optional()
		.openapi({ param: { name: "idempotency-key", in: "header" }, description: "Required. A fresh UUID per order." }),
});

const CartLineView = z.object({
	lineId: z.string(),
	itemId: z.string(),
	name: z.string(),
	quantity: z.number().int(),
	unitPrice: MoneySchema,
	options: z.array(z.object({ groupId: z.string(), optionId: z.string(), name: z.string(), priceDelta: MoneySchema })),
	note: z.string().nullable(),
	lineTotal: MoneySchema,
});

export const TotalsView = z
	.object({
		subtotal: MoneySchema,
		tax: MoneySchema,
		taxIncluded: z.boolean().openapi({ description: "true: tax is part of the subtotal; false: added on top" }),
		deliveryFee: MoneySchema,
		tip: MoneySchema,
		total: MoneySchema,
	})
	.openapi("Totals");

export const CartView = z
	.object({
		id: z.string(),
		locationSlug: z.string(),
		currency: z.string(),
		status: z.enum(["open", "checked_out"]),
		orderId: z.string().nullable(),
		lines: z.array(CartLineView),
		itemCount: z.number().int(),
		fulfilment: Fulfilment,
		totals: TotalsView,
		expiresAt: z.string().nullable(),
	})
	.openapi("Cart");
export type CartView = z.infer<typeof CartView>;

export const PlacedOrderView = z
	.object({
		orderId: z.string(),
		status: z.enum(["placed", "awaiting_payment"]).openapi({
			description: "awaiting_payment while the card's second step (payment.nextAction) is not completed",
		}),
		trackingToken: z.string().openapi({ description: "Lets a guest read and follow the order; shown once" }),
		payment: PaymentView,
		predictedReadyAt: z.iso.datetime().nullable().openapi({
			description: "When the kitchen expects to have it ready, from the orders ahead of it at placement",
		}),
	})
	.openapi("PlacedOrder");
export type PlacedOrderView = z.infer<typeof PlacedOrderView>;

type Issue = z.core.$ZodIssue;

/** Order input mistakes a client must tell apart, each with its own code; the rest is validation_failed. */
const SPECIFIC_FAILURES: { code: ErrorCode; matches: (issue: Issue) => boolean }[] = [
	{
		code: "quantity_out_of_range",
		matches: (issue) => issue.path.at(-1) === "quantity" && (issue.code === "too_small" || issue.code === "too_big"),
	},
	// `tip.amount` in a checkout body, `tip` in the cart preview's query.
	{ code: "invalid_tip", matches: (issue) => issue.path[0] === "tip" && issue.path.at(-1) !== "currency" },
	{
		code: "delivery_address_required",
		matches: (issue) => issue.code === "custom" && issue.path.length === 1 && issue.path[0] === "deliveryAddress",
	},
];

/** The error for a rejected cart or order input: a specific code when every issue is of that one kind. */
export function orderInputError(error: z.ZodError): ApiError {
	const generic = validationError(error);
	const codes = new Set(
		error.issues.map((issue) => SPECIFIC_FAILURES.find((failure) => failure.matches(issue))?.code ?? null),
	);
	const [code] = codes;
	if (codes.size !== 1 || !code) return generic;
	return new ApiError(code, generic.message, generic.details);
}

/** A route hook for cart and order inputs, in place of the router's default one. */
export function orderInputHook(result: { success: true } | { success: false; error: z.ZodError }): undefined {
	if (!result.success) throw orderInputError(result.error);
	return undefined;
}
