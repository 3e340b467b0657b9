/** Picking the location nearest to the caller, from the coordinates Cloudflare attaches to the request. */
import { distanceMeters } from "../../api/src/menu/domain/geo";

export interface LocationPoint {
	slug: string;
	latitude: number;
	longitude: number;
}

export function nearestLocation(
	points: LocationPoint[],
	latitude: string | undefined,
	longitude: string | undefined,
): string | undefined {
	const lat = Number(latitude);
	const lng = Number(longitude);
	if (latitude === undefined || longitude === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) {
		return undefined;
	}
	let best: { slug: string; distance: number } | undefined;
	for (const point of points) {
		const distance = distanceMeters({ latitude: lat, longitude: lng }, point);
		if (!best || distance < best.distance) best = { slug: point.slug, distance };
	}
	return best?.slug;
}
