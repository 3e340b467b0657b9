/** The first page: every location with whether it is open, nearest first when the browser may tell where we are. */
import { useEffect, useRef, useState } from "preact/hooks";
import { listLocations } from "../api/endpoints";
import type { Location } from "../api/types";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { distanceLabel, formatMoney } from "../format";
import { openStatus } from "../hours";
import { i18n, useI18n } from "../i18n";
import { errorText, pausedText } from "../i18n/errors";
import { Link } from "../router";

type Position = { latitude: number; longitude: number };

function currentPosition(): Promise<Position> {
	return new Promise((resolve, reject) => {
		if (!("geolocation" in navigator)) {
			reject(new Error(i18n().t("locations.noGeolocation")));
			return;
		}
		navigator.geolocation.getCurrentPosition(
			({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude }),
			() => reject(new Error(i18n().t("locations.notShared"))),
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
	const { t, intl } = useI18n();
	const status = openStatus(location, location.openNow);
	const delivery = location.fulfilment.delivery;
	const { ordering } = location;
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
			{ordering.paused && <p class="notice ordering-paused-notice">{pausedText(ordering.reason)}</p>}
			<p class="muted">
				{[
					location.fulfilment.pickup && t("locations.pickup"),
					delivery &&
						t("locations.delivery", {
							radius: intl.formatNumber(delivery.radiusMeters / 1000, {
								minimumFractionDigits: 1,
								maximumFractionDigits: 1,
							}),
							fee: formatMoney(delivery.fee),
						}),
				]
					.filter(Boolean)
					.join(" · ")}
				{location.distanceMeters !== undefined && ` · ${distanceLabel(location.distanceMeters)}`}
			</p>
		</li>
	);
}

export function LocationsPage() {
	const { t } = useI18n();
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
			setError(errorText(failure));
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
				if (!sorted.current) setError(errorText(failure));
			});
		geolocationAllowed().then((allowed) => {
			if (allowed) findNearest();
		});
	}, []);

	return (
		<section>
			<PageHeading title={t("locations.title")}>{t("locations.heading")}</PageHeading>
			<div class="toolbar">
				<button type="button" onClick={findNearest} disabled={locating}>
					{locating ? t("locations.finding") : t("locations.findNearest")}
				</button>
				<p class="muted" role="status">
					{sortedByDistance ? t("locations.nearestFirst") : t("locations.orChoose")}
				</p>
			</div>
			<ErrorMessage message={error} />
			{locations ? (
				<ul class="card-grid" aria-label={t("locations.list")}>
					{locations.map((location) => (
						<LocationCard key={location.slug} location={location} />
					))}
				</ul>
			) : (
				!error && <Loading what={t("locations.loading")} />
			)}
		</section>
	);
}
