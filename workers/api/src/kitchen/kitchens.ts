/** Reaching a location's LocationKitchen object: one per location, in its region, named by its slug. */
import { objectIn, type Region } from "@goodfood/platform/regions";

export function kitchenOf(env: Env, region: Region, slug: string) {
	return objectIn(env.LOCATION_KITCHENS, region, slug);
}
