/**
 * The shapes the public API answers with and takes, under the app's own names.
 * None is written here: each is inferred from the api worker's route
 * declarations through its typed client (workers/api/src/client.ts), as the
 * JSON a route sends when it succeeds or the JSON body it accepts. A schema
 * change in the API therefore fails `npm run typecheck:web` wherever the app
 * no longer fits it.
 *
 * Type-only imports: the server's declarations reach the type checker, none of
 * its code reaches the bundle.
 */
import type { FieldIssue } from "@goodfood/platform/errors";
import type { ErrorSchema } from "@goodfood/platform/openapi";
import type { InferRequestType, InferResponseType } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import type { z } from "zod";
import type { LiveMessage as LiveMessageSent } from "../../../durable-objects/src/live";
import type { GoodFoodClient } from "../../../workers/api/src/client";

type V1 = GoodFoodClient["api"]["v1"];
/** What a route answers when it succeeds, as parsed JSON. */
type Answer<Route> = InferResponseType<Route, SuccessStatusCode>;
/** The JSON body a route accepts (fields with server defaults may be left out). */
type Body<Route> = InferRequestType<Route> extends { json: infer Json } ? Json : never;

/**
 * The envelope every refusal arrives in. Every route declares its error
 * answers with this one schema, so it is taken from the schema itself.
 */
export type ErrorEnvelope = z.output<typeof ErrorSchema>;
/** The API's closed set of error codes. */
export type ErrorCode = ErrorEnvelope["error"]["code"];
/** An entry of a validation refusal's details: the field's path and what is wrong with it. */
export type { FieldIssue };

// Locations and menus
export type Location = Answer<V1["locations"][":slug"]["$get"]>;
export type LocationList = Answer<V1["locations"]["$get"]>;
/** A location's menu; the edge's `/menu?location=` serves the document the origin publishes. */
export type Menu = Answer<V1["locations"][":slug"]["menu"]["$get"]>;
export type LocationSummary = Menu["location"];
export type WeeklyOpeningHours = LocationSummary["openingHours"];
export type MenuCategory = Menu["categories"][number];
export type MenuItem = MenuCategory["items"][number];
export type UnavailableReason = NonNullable<MenuItem["unavailableReason"]>;
export type ModifierGroup = MenuItem["modifierGroups"][number];
export type ModifierOption = ModifierGroup["options"][number];
export type AvailabilityWindow = MenuCategory["availability"][number];
export type Money = MenuItem["price"];

/** A local date's 15-minute slots with the room each has left (GET /locations/{slug}/slots). */
export type SlotList = Answer<V1["locations"][":slug"]["slots"]["$get"]>;
export type Slot = SlotList["slots"][number];

// Carts and checkout
export type Cart = Answer<V1["carts"][":cartId"]["$get"]>;
export type CartLine = Cart["lines"][number];
export type Totals = Cart["totals"];
export type Fulfilment = Cart["fulfilment"];
export type NewLine = Body<V1["carts"][":cartId"]["items"]["$post"]>;
export type AddedLine = Answer<V1["carts"][":cartId"]["items"]["$post"]>;
export type LineChange = Body<V1["carts"][":cartId"]["items"][":lineId"]["$patch"]>;
export type CheckoutInput = Body<V1["carts"][":cartId"]["checkout"]["$post"]>;
export type DeliveryAddress = NonNullable<CheckoutInput["deliveryAddress"]>;
export type Contact = CheckoutInput["contact"];
export type PlacedOrder = Answer<V1["carts"][":cartId"]["checkout"]["$post"]>;
/** How a checkout pays: a card (tokenised in the browser) or at the counter. */
export type PaymentInput = CheckoutInput["payment"];
export type CardPaymentInput = Extract<PaymentInput, { method: "card" }>;

// Orders
export type Order = Answer<V1["orders"][":orderId"]["$get"]>;
export type OrderStatus = Order["status"];
export type TimelineEntry = Order["timeline"][number];
export type StatusChange = Body<V1["orders"][":orderId"]["status"]["$post"]>;
export type StaffOrderList = Answer<V1["locations"][":slug"]["orders"]["$get"]>;
export type StaffOrder = StaffOrderList["orders"][number];

// Payments
/** What clients see of an order's payment: its method, state, amounts, refunds and any second step. */
export type Payment = Order["payment"];
export type PaymentStatus = Payment["status"];
export type PaymentMethod = NonNullable<Payment["method"]>;
export type OrderRefund = Payment["refunds"][number];
/** A staff list entry's payment: its method (null for orders from before payments) and status. */
export type StaffOrderPayment = StaffOrder["payment"];
/** A manager's refund of a handed-over order: the whole remainder when `amount` (minor units) is left out. */
export type RefundInput = Body<V1["orders"][":orderId"]["refunds"]["$post"]>;
/** What a refund answers: the refund (null while it is queued for the provider) and the order's payment after it. */
export type RefundOutcome = Answer<V1["orders"][":orderId"]["refunds"]["$post"]>;
/** A location's refunds, newest first, as its managers list them. */
export type LocationRefunds = Answer<V1["locations"][":slug"]["refunds"]["$get"]>;
export type LocationRefund = LocationRefunds["refunds"][number];
/** The payment simulator's view of an intent, for its 3-D Secure page. */
/** How the storefront takes a card: the simulator's form, or Stripe Elements under the publishable key. */
export type PaymentsConfig = Answer<V1["payments"]["config"]["$get"]>;
export type SimulatorIntent = Answer<V1["payments"]["simulator"]["intents"][":intentId"]["$get"]>;
export type SimulatorAuthentication = Body<
	V1["payments"]["simulator"]["intents"][":intentId"]["authenticate"]["$post"]
>;
/**
 * What an order's live socket sends: the order on connect, then each change.
 * A WebSocket's messages are no route's answer, so this is the Durable
 * Object's own message type, as the JSON it sends.
 */
export type LiveMessage = JSONParsed<LiveMessageSent>;

// Accounts
export type Tokens = Answer<V1["auth"]["login"]["$post"]>;
export type Registration = Body<V1["auth"]["register"]["$post"]>;
export type Registered = Answer<V1["auth"]["register"]["$post"]>;
export type Profile = Answer<V1["customers"]["me"]["$get"]>;
export type Role = Profile["role"];
export type SavedAddress = Profile["addresses"][number];
export type ProfilePatch = Body<V1["customers"]["me"]["$patch"]>;
/** The tags and allergens the API knows: profiles and menu writes accept only these. */
export type DietaryTag = NonNullable<ProfilePatch["dietaryPreferences"]>[number];
export type Allergen = NonNullable<ProfilePatch["avoidAllergens"]>[number];
export type OrderHistory = Answer<V1["customers"]["me"]["orders"]["$get"]>;
export type OrderSummary = OrderHistory["orders"][number];

// Staff menu writes
export type ItemInput = Body<V1["locations"][":slug"]["items"]["$post"]>;
export type ItemPatch = Body<V1["locations"][":slug"]["items"][":itemId"]["$patch"]>;
export type ModifierGroupInput = NonNullable<ItemInput["modifierGroups"]>[number];
export type ModifierOptionInput = ModifierGroupInput["options"][number];
export type CategoryInput = Body<V1["locations"][":slug"]["categories"]["$post"]>;
export type CategoryPatch = Body<V1["locations"][":slug"]["categories"][":categoryId"]["$patch"]>;
export type SoldOutChange = Body<V1["locations"][":slug"]["items"][":itemId"]["sold-out"]["$put"]>;
/** What a staff menu write answers. */
export type MenuWriteResult = Answer<V1["locations"][":slug"]["categories"]["$post"]>;
export type SoldOutResult = Answer<V1["locations"][":slug"]["items"][":itemId"]["sold-out"]["$put"]>;

// Recommendations
/** Items to suggest at a location, best first: for a cart's contents, a customer's taste, or what is popular. */
export type Recommendations = Answer<V1["recommendations"]["$get"]>;
export type Recommendation = Recommendations["recommendations"][number];
