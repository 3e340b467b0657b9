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

/** The API's routes under /api/v1, as the typed client declares them. */
export type Routes = GoodFoodClient["api"]["v1"];
/** What a route answers when it succeeds, as parsed JSON. */
export type Answer<Route> = InferResponseType<Route, SuccessStatusCode>;
/** The JSON body a route accepts (fields with server defaults may be left out). */
export type Body<Route> = InferRequestType<Route> extends { json: infer Json } ? Json : never;

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
export type Location = Answer<Routes["locations"][":slug"]["$get"]>;
export type LocationList = Answer<Routes["locations"]["$get"]>;
/** A location's menu; the edge's `/menu?location=` serves the document the origin publishes. */
export type Menu = Answer<Routes["locations"][":slug"]["menu"]["$get"]>;
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
export type SlotList = Answer<Routes["locations"][":slug"]["slots"]["$get"]>;
export type Slot = SlotList["slots"][number];

// Carts and checkout
export type Cart = Answer<Routes["carts"][":cartId"]["$get"]>;
export type CartLine = Cart["lines"][number];
export type Totals = Cart["totals"];
export type Fulfilment = Cart["fulfilment"];
export type NewLine = Body<Routes["carts"][":cartId"]["items"]["$post"]>;
export type AddedLine = Answer<Routes["carts"][":cartId"]["items"]["$post"]>;
export type LineChange = Body<Routes["carts"][":cartId"]["items"][":lineId"]["$patch"]>;
export type CheckoutInput = Body<Routes["carts"][":cartId"]["checkout"]["$post"]>;
export type DeliveryAddress = NonNullable<CheckoutInput["deliveryAddress"]>;
export type Contact = CheckoutInput["contact"];
export type PlacedOrder = Answer<Routes["carts"][":cartId"]["checkout"]["$post"]>;
/** How a checkout pays: a card (tokenised in the browser) or at the counter. */
export type PaymentInput = CheckoutInput["payment"];
export type CardPaymentInput = Extract<PaymentInput, { method: "card" }>;

// Orders
export type Order = Answer<Routes["orders"][":orderId"]["$get"]>;
export type OrderStatus = Order["status"];
export type TimelineEntry = Order["timeline"][number];
export type StatusChange = Body<Routes["orders"][":orderId"]["status"]["$post"]>;
export type StaffOrderList = Answer<Routes["locations"][":slug"]["orders"]["$get"]>;
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
export type RefundInput = Body<Routes["orders"][":orderId"]["refunds"]["$post"]>;
/** What a refund answers: the refund (null while it is queued for the provider) and the order's payment after it. */
export type RefundOutcome = Answer<Routes["orders"][":orderId"]["refunds"]["$post"]>;
/** A location's refunds, newest first, as its managers list them. */
export type LocationRefunds = Answer<Routes["locations"][":slug"]["refunds"]["$get"]>;
export type LocationRefund = LocationRefunds["refunds"][number];
/** The payment simulator's view of an intent, for its 3-D Secure page. */
/** How the storefront takes a card: the simulator's form, or Stripe Elements under the publishable key. */
export type PaymentsConfig = Answer<Routes["payments"]["config"]["$get"]>;
export type SimulatorIntent = Answer<Routes["payments"]["simulator"]["intents"][":intentId"]["$get"]>;
export type SimulatorAuthentication = Body<
	Routes["payments"]["simulator"]["intents"][":intentId"]["authenticate"]["$post"]
>;
/**
 * What an order's live socket sends: the order on connect, then each change.
 * A WebSocket's messages are no route's answer, so this is the Durable
 * Object's own message type, as the JSON it sends.
 */
export type LiveMessage = JSONParsed<LiveMessageSent>;

// Accounts
export type Tokens = Answer<Routes["auth"]["login"]["$post"]>;
export type Registration = Body<Routes["auth"]["register"]["$post"]>;
export type Registered = Answer<Routes["auth"]["register"]["$post"]>;
export type Profile = Answer<Routes["customers"]["me"]["$get"]>;
export type Role = Profile["role"];
export type SavedAddress = Profile["addresses"][number];
export type ProfilePatch = Body<Routes["customers"]["me"]["$patch"]>;
/** The tags and allergens the API knows: profiles and menu writes accept only these. */
export type DietaryTag = NonNullable<ProfilePatch["dietaryPreferences"]>[number];
export type Allergen = NonNullable<ProfilePatch["avoidAllergens"]>[number];
export type OrderHistory = Answer<Routes["customers"]["me"]["orders"]["$get"]>;
export type OrderSummary = OrderHistory["orders"][number];

// Staff menu writes
export type ItemInput = Body<Routes["locations"][":slug"]["items"]["$post"]>;
export type ItemPatch = Body<Routes["locations"][":slug"]["items"][":itemId"]["$patch"]>;
export type ModifierGroupInput = NonNullable<ItemInput["modifierGroups"]>[number];
export type ModifierOptionInput = ModifierGroupInput["options"][number];
export type CategoryInput = Body<Routes["locations"][":slug"]["categories"]["$post"]>;
export type CategoryPatch = Body<Routes["locations"][":slug"]["categories"][":categoryId"]["$patch"]>;
export type SoldOutChange = Body<Routes["locations"][":slug"]["items"][":itemId"]["sold-out"]["$put"]>;
/** What a staff menu write answers. */
export type MenuWriteResult = Answer<Routes["locations"][":slug"]["categories"]["$post"]>;
export type SoldOutResult = Answer<Routes["locations"][":slug"]["items"][":itemId"]["sold-out"]["$put"]>;

// Recommendations
/** Items to suggest at a location, best first: for a cart's contents, a customer's taste, or what is popular. */
export type Recommendations = Answer<Routes["recommendations"]["$get"]>;
export type Recommendation = Recommendations["recommendations"][number];
