/** The locations an operations screen offers: every one to an admin, a manager's own to a manager. */
import { useEffect, useState } from "preact/hooks";
import { listLocations } from "../../api/endpoints";
import type { Location, Profile } from "../../api/types";
import { kitchenErrorText } from "../../i18n/kitchen-errors";

/** The locations the profile may look at, or null while they load; `error` when they could not be loaded. */
export function useLocationsOf(profile: Profile): { locations: Location[] | null; error: string | null } {
	const [all, setAll] = useState<Location[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		listLocations()
			.then(({ locations }) => setAll(locations))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, []);
	const locations =
		all && (profile.role === "admin" ? all : all.filter((location) => profile.locations.includes(location.slug)));
	return { locations, error };
}

/** A labelled select of locations; `anyLabel` adds a first choice with the empty value ("All locations"). */
export function LocationSelect({
	id,
	label,
	locations,
	value,
	onChange,
	anyLabel,
}: {
	id: string;
	label: string;
	locations: Location[];
	value: string;
	onChange: (slug: string) => void;
	anyLabel?: string;
}) {
	return (
		<div class="field">
			<label for={id}>{label}</label>
			<select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
				{anyLabel !== undefined && <option value="">{anyLabel}</option>}
				{locations.map((location) => (
					<option key={location.slug} value={location.slug}>
						{location.name}
					</option>
				))}
			</select>
		</div>
	);
}
