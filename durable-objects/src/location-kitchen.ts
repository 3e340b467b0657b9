/**
 * One object per location: its stock, its slot bookings and the orders in its
 * kitchen. See `workers/api/src/kitchen/contract.ts` for what it answers.
 */
import { DurableObject } from "cloudflare:workers";

export class LocationKitchen extends DurableObject<Env> {}
