/** The first page: every location with whether it is open, nearest first when the browser may tell where we are. */
import { useEffect, useRef, useState } from "preact/hooks";
import { listLocations } from "../api/endpoints";
import { messageOf } from "../api/http";
import type { Location } from "../api/types";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { distanceLabel, formatMoney } from "../format";
import { openStatus } from "../hours";
import { Link } from "../router";

type Position = { latitude: number; longitude: number };

function currentPosition(): Promise<Position> {
	return new Promise((resolve, reject) => {
		if (!("geolocation" in navigator)) {
			reject(new Error("This browser cannot share its location; choose from the list."));
			return;
		}
		navigator.geolocation.getCurrentPosition(
			({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude }),
			() => reject(new Error("Your location is not shared with GoodFood; choose from the list.")),
			{ timeout: 10_000, maximumAge: 300_000 },
		);
	});
}

/** Only asks the browser for a position without a prompt when the visitor already allowed it. */
async function geolocationAllowed(): Promise<boolean> {
	try {
		const status = await navigator.permissions?.query({ name: "geolocation" });
		return status?.state === "granted";
	} catch {
		return false;
	}
}

function LocationCard({ location }: { location: Location }) {
	const status = openStatus(location, location.openNow);
	const delivery = location.fulfilment.delivery;
	return (
		<li class="card location-card">
			<h2>
				<Link href={`/locations/${location.slug}`} class="location-link">
					{location.name}
				</Link>
			</h2>
			<p>
				{location.address.line}, {location.address.city} {location.address.postcode}
			</p>
			<p class={status.open ? "badge badge-open" : "badge badge-closed"}>{status.text}</p>
			<p class="muted">
				{[
					location.fulfilment.pickup && "Pickup",
					delivery && `Delivery within ${(delivery.radiusMeters / 1000).toFixed(1)} km, ${formatMoney(delivery.fee)}`,
				]
					.filter(Boolean)
					.join(" · ")}
				{location.distanceMeters !== undefined && ` · ${distanceLabel(location.distanceMeters)}`}
			</p>
		</li>
	);
}

export function LocationsPage() {
	const [locations, setLocations] = useState<Location[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [locating, setLocating] = useState(false);
	const [sortedByDistance, setSortedByDistance] = useState(false);
	/** Set once a nearest-first list is shown: the plain list, should it answer later, must not replace it. */
	const sorted = useRef(false);

	const findNearest = async () => {
		setLocating(true);
		setError(null);
		try {
			const { locations } = await listLocations(await currentPosition());
			sorted.current = true;
			setLocations(locations);
			setSortedByDistance(true);
		} catch (failure) {
			setError(messageOf(failure));
		} finally {
			setLocating(false);
		}
	};

	useEffect(() => {
		listLocations()
			.then(({ locations }) => {
				if (!sorted.current) setLocations(locations);
			})
			.catch((failure) => {
				if (!sorted.current) setError(messageOf(failure));
			});
		geolocationAllowed().then((allowed) => {
			if (allowed) findNearest();
		});
	}, []);

	return (
		<section>
			<PageHeading title="Choose a location">Where would you like to order from?</PageHeading>
			<div class="toolbar">
				<button type="button" onClick={findNearest} disabled={locating}>
					{locating ? "Finding you…" : "Find the nearest to me"}
				</button>
				<p class="muted" role="status">
					{sortedByDistance ? "Nearest first." : "Or choose from the list."}
				</p>
			</div>
			<ErrorMessage message={error} />
			{locations ? (
				<ul class="card-grid" aria-label="Locations">
					{locations.map((location) => (
						<LocationCard key={location.slug} location={location} />
					))}
				</ul>
			) : (
				!error && <Loading what="locations" />
			)}
		</section>
	);
}
