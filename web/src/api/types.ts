/**
 * The shapes the public API answers with, as its OpenAPI document
 * (`/api/v1/openapi.json`) declares them; only the fields the app reads.
 */
import type { AvailabilityWindow, WeeklyOpeningHours } from "../../../workers/api/src/menu/domain/availability";
import type { Allergen, DietaryTag } from "../../../workers/api/src/menu/domain/dietary";
import type { LocationSummary } from "../../../workers/api/src/menu/domain/document";
import type { Money } from "../../../workers/api/src/menu/domain/money";
import type { OrderStatus, TimelineEntry } from "../../../workers/api/src/ordering/domain/order";

// Type-only: the domain's declarations, none of its code, reach the bundle.
export type {
	Allergen,
	AvailabilityWindow,
	DietaryTag,
	LocationSummary,
	Money,
	OrderStatus,
	TimelineEntry,
	WeeklyOpeningHours,
};

export type Fulfilment = "pickup" | "delivery";

export interface Location extends LocationSummary {
	openNow: boolean;
	menuVersion: number;
	distanceMeters?: number;
}

export interface ModifierOption {
	id: string;
	name: string;
	priceDelta: Money;
	allergens: Allergen[];
}

export interface ModifierGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: ModifierOption[];
}

export type UnavailableReason = "sold_out" | "outside_hours" | "closed";

export interface MenuItem {
	id: string;
	categoryId: string;
	name: string;
	description: string;
	price: Money;
	allergens: Allergen[];
	dietaryTags: DietaryTag[];
	calories: number | null;
	availability: AvailabilityWindow[];
	soldOut: boolean;
	modifierGroups: ModifierGroup[];
	availableNow: boolean;
	unavailableReason: UnavailableReason | null;
}

export interface MenuCategory {
	id: string;
	name: string;
	description: string;
	availability: AvailabilityWindow[];
	availableNow: boolean;
	items: MenuItem[];
}

export interface Menu {
	location: LocationSummary;
	version: number;
	openNow: boolean;
	categories: MenuCategory[];
}

export interface Totals {
	subtotal: Money;
	tax: Money;
	taxIncluded: boolean;
	deliveryFee: Money;
	tip: Money;
	total: Money;
}

export interface CartLine {
	lineId: string;
	itemId: string;
	name: string;
	quantity: number;
	unitPrice: Money;
	options: { groupId: string; optionId: string; name: string; priceDelta: Money }[];
	note: string | null;
	lineTotal: Money;
}

export interface Cart {
	id: string;
	locationSlug: string;
	currency: string;
	status: "open" | "checked_out";
	orderId: string | null;
	lines: CartLine[];
	itemCount: number;
	fulfilment: Fulfilment;
	totals: Totals;
}

export interface DeliveryAddress {
	line1: string;
	line2?: string | null;
	city: string;
	postcode: string;
	latitude: number;
	longitude: number;
}

export interface SavedAddress extends DeliveryAddress {
	label: string;
}

export interface Contact {
	name: string;
	email: string;
	phone: string;
}

export interface CheckoutInput {
	fulfilment: Fulfilment;
	deliveryAddress?: DeliveryAddress;
	contact: Contact;
	requestedTime: "asap" | string;
	tip?: Money;
}

export interface PlacedOrder {
	orderId: string;
	status: "placed";
	trackingToken: string;
}

export interface Order {
	id: string;
	status: OrderStatus;
	locationSlug: string;
	timeZone: string;
	fulfilment: Fulfilment;
	deliveryAddress: DeliveryAddress | null;
	requestedFor: string | null;
	contact: { name: string; email?: string; phone?: string };
	lines: {
		lineId: string;
		itemId: string;
		name: string;
		quantity: number;
		unitPrice: Money;
		options: { name: string; priceDelta: Money }[];
		note: string | null;
		lineTotal: Money;
	}[];
	totals: Totals;
	placedAt: string;
	estimatedReadyAt: string | null;
	estimatedReadyAtLocal: string | null;
	timeline: TimelineEntry[];
	allowedNext: OrderStatus[];
}

/** What an order's live socket sends: the order on connect, then each change. */
export type LiveMessage =
	| { type: "snapshot"; sequence: number; order: Order }
	| {
			type: "event";
			orderId: string;
			sequence: number;
			event: string;
			occurredAt: string;
			status: OrderStatus;
			estimatedReadyAt?: string;
			estimatedReadyAtLocal?: string;
			reason?: string;
	  };

export interface Tokens {
	accessToken: string;
	refreshToken: string;
	expiresIn: number;
}

export type Role = "customer" | "kitchen" | "manager" | "admin";

export interface Profile {
	id: string;
	email: string;
	role: Role;
	name: string;
	phone: string | null;
	locations: string[];
	addresses: SavedAddress[];
	dietaryPreferences: DietaryTag[];
	avoidAllergens: Allergen[];
	favouriteLocation: string | null;
	notificationPreferences: { orderUpdates: boolean; marketing: boolean };
}

export type ProfilePatch = Partial<
	Pick<
		Profile,
		| "name"
		| "phone"
		| "addresses"
		| "dietaryPreferences"
		| "avoidAllergens"
		| "favouriteLocation"
		| "notificationPreferences"
	>
>;

export interface OrderSummary {
	orderId: string;
	locationSlug: string;
	placedAt: string;
	status: OrderStatus;
	total: Money;
}

export interface StaffOrder {
	id: string;
	status: OrderStatus;
	fulfilment: Fulfilment;
	placedAt: string;
	requestedFor: string | null;
	estimatedReadyAt: string | null;
	contact: { name: string };
	totals: Totals;
	lines: { lineId: string; itemId: string; name: string; quantity: number; options: string[]; note: string | null }[];
}

export type StatusChange =
	| { status: "confirmed"; etaMinutes: number }
	| { status: "preparing"; etaMinutes?: number }
	| { status: "ready" | "picked_up" | "out_for_delivery" | "delivered" }
	| { status: "rejected" | "cancelled"; reason: string };

export interface ModifierOptionInput {
	name: string;
	priceDelta?: Money;
	allergens?: Allergen[];
}

export interface ModifierGroupInput {
	name: string;
	minSelections: number;
	maxSelections: number;
	options: ModifierOptionInput[];
}

export interface ItemInput {
	categoryId: string;
	name: string;
	description?: string;
	price: Money;
	allergens?: Allergen[];
	dietaryTags?: DietaryTag[];
	position?: number;
	/** On a PATCH, replaces all the item's groups (and their option ids). */
	modifierGroups?: ModifierGroupInput[];
}

export interface CategoryInput {
	name: string;
	description?: string;
	position?: number;
	/** Windows in the location's local time; none means whenever the location is open. */
	availability?: AvailabilityWindow[];
}

/** What a staff menu write answers. */
export interface MenuWriteResult {
	id: string;
	menuVersion: number;
}
