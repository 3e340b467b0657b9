/** Great-circle distances, for nearest-location ordering and delivery radii. */
export interface Coordinates {
	latitude: number;
	longitude: number;
}

const EARTH_RADIUS_METERS = 6_371_008.8;

export function distanceMeters(a: Coordinates, b: Coordinates): number {
	const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
	const dLat = toRadians(b.latitude - a.latitude);
	const dLng = toRadians(b.longitude - a.longitude);
	const h =
		Math.sin(dLat / 2) ** 2 +
		Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLng / 2) ** 2;
	return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Sorts by distance from `origin`, nearest first, attaching the distance in whole meters. */
export function nearestFirst<T extends { coordinates: Coordinates }>(
	places: T[],
	origin: Coordinates,
): (T & { distanceMeters: number })[] {
	return places
		.map((place) => ({ ...place, distanceMeters: Math.round(distanceMeters(origin, place.coordinates)) }))
		.sort((a, b) => a.distanceMeters - b.distanceMeters);
}
