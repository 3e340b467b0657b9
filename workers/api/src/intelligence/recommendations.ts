/**
 * Items to suggest at a location, as GET /recommendations and the graph's
 * `recommendations` both answer: item-to-item collaborative filtering over
 * what is ordered together there (its orders in every region), personalised
 * by a signed-in customer's history and seeded by a cart.
 */
import type { AppEnv } from "@goodfood/platform/app";
import { customerIdOf } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { callContext } from "@goodfood/platform/request-log";
import type { Context } from "hono";
import { cartObject, unwrap } from "../cart/carts";
import { orderIdForCart } from "../cart/identity";
import type { PresentedItem } from "../menu/domain/document";
import { readMenu } from "../menu/reads";
import { type Candidate, recommend } from "./domain/recommend";
import { invalid } from "./invalid";
import { intelligenceDb, loadCoOccurrence, loadCustomerInputs } from "./repository";

export type RecommendationBasis = "history_and_cart" | "history" | "cart" | "popularity";

export interface RecommendationRequest {
	location: string;
	count: number;
	/** A cart whose contents seed the suggestions (never suggested themselves). */
	cart?: string;
	/** Allergens to avoid besides those on a signed-in customer's profile. */
	avoidAllergens: string[];
}

export interface Recommendations {
	location: string;
	basis: RecommendationBasis;
	/** Best first; each item as the menu presents it now. */
	recommendations: { item: PresentedItem; score: number; reason: string }[];
}

/** The cart's item ids, if the caller may see the cart: another customer's cart is not found, as everywhere. */
async function cartItems(c: Context<AppEnv>, cartId: string, slug: string): Promise<string[]> {
	const object = cartObject(c.env, await orderIdForCart(cartId));
	const cart = unwrap(await object.view(cartId, customerIdOf(c), undefined, undefined, callContext(c)));
	if (cart.locationSlug !== slug) throw invalid("cart", `is a cart at ${cart.locationSlug}, not ${slug}`);
	return cart.lines.map((line) => line.itemId);
}

/** Suggestions for the caller of `c` (anyone; a customer's own history when signed in); not_found for an unknown location. */
export async function recommendationsFor(c: Context<AppEnv>, request: RecommendationRequest): Promise<Recommendations> {
	const { location: slug, count, cart: cartId } = request;
	const now = new Date();
	const menu = await readMenu(c.var.d1, slug, {}, now);
	if (!menu) throw ApiError.notFound("Location");
	// Learned from the location's orders in every region (it keeps what it learned before moving region).
	const regions = c.var.orderData.everywhere().map(({ session }) => intelligenceDb(session));
	const customerId = customerIdOf(c);
	const [cart, customer] = await Promise.all([
		cartId ? cartItems(c, cartId, slug) : [],
		customerId ? loadCustomerInputs(intelligenceDb(c.var.d1), regions, customerId, slug) : undefined,
	]);
	const history = customer && customer.history.orders > 0 ? customer.history : undefined;
	const model = await loadCoOccurrence(regions, slug, [...cart, ...(history?.itemOrders.keys() ?? [])]);

	const items = new Map(menu.categories.flatMap((category) => category.items.map((item) => [item.id, item])));
	const candidates: Candidate[] = [...items.values()].map((item) => ({
		id: item.id,
		name: item.name,
		allergens: item.allergens,
		// While the location is closed a cart is for a later slot, as the storefront lets it be: an item
		// unavailable only because of that may still be suggested; sold out or outside its hours may not.
		availableNow: item.availableNow || item.unavailableReason === "closed",
	}));
	const suggestions = recommend({
		model,
		candidates,
		cart,
		history,
		avoidAllergens: [...request.avoidAllergens, ...(customer?.avoidAllergens ?? [])],
		count,
		names: customer?.names,
		placeName: menu.location.name,
	});
	const basis: RecommendationBasis =
		history && cart.length > 0 ? "history_and_cart" : history ? "history" : cart.length > 0 ? "cart" : "popularity";
	return {
		location: slug,
		basis,
		recommendations: suggestions.flatMap((suggestion) => {
			const item = items.get(suggestion.itemId);
			if (!item) return [];
			return [{ item, score: Math.round(suggestion.score * 10_000) / 10_000, reason: suggestion.reason }];
		}),
	};
}
