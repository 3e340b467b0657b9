/**
 * The locations the person runs, with whether each takes orders, and for
 * admins a form to open a new one. A new location starts closed every day:
 * its page (location-page.tsx) sets the opening hours.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { WEEKDAYS } from "../../../../workers/api/src/menu/domain/availability";
import { createLocation, type NewLocation } from "../../api/back-office";
import { listLocations } from "../../api/endpoints";
import { ApiFailure } from "../../api/http";
import type { Location, Profile } from "../../api/types";
import { TextField } from "../../components/field";
import { ErrorMessage } from "../../components/page";
import { toMinor } from "../../format";
import { type Translator, useI18n } from "../../i18n";
import { kitchenErrorText, kitchenFieldErrors } from "../../i18n/kitchen-errors";
import { Link, navigate } from "../../router";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { BackOfficeShell } from "./shell";

/** The locations a person sees here: an admin every one, a manager their own. */
export function locationsOf(profile: Profile, locations: Location[]): Location[] {
	return profile.role === "admin" ? locations : locations.filter((entry) => profile.locations.includes(entry.slug));
}

/** A slug from a name: "London Soho" → "london-soho". */
function slugOf(name: string): string {
	return name
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 64);
}

function supported(key: "timeZone" | "currency"): string[] {
	try {
		return Intl.supportedValuesOf(key);
	} catch {
		return [];
	}
}

interface Draft {
	name: string;
	slug: string;
	slugEdited: boolean;
	line: string;
	city: string;
	postcode: string;
	country: string;
	latitude: string;
	longitude: string;
	timeZone: string;
	currency: string;
	taxPercent: string;
	pricesIncludeTax: boolean;
	pickup: boolean;
	delivery: boolean;
	radiusKm: string;
	fee: string;
	region: string;
}

const BLANK: Draft = {
	name: "",
	slug: "",
	slugEdited: false,
	line: "",
	city: "",
	postcode: "",
	country: "",
	latitude: "",
	longitude: "",
	timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
	currency: "GBP",
	taxPercent: "20",
	pricesIncludeTax: true,
	pickup: true,
	delivery: false,
	radiusKm: "3",
	fee: "0",
	region: "",
};

function number(text: string): number | null {
	const trimmed = text.trim().replace(",", ".");
	if (trimmed === "") return null;
	const value = Number(trimmed);
	return Number.isFinite(value) ? value : null;
}

/** The location as POST /locations takes it, or the fields the browser can tell are not numbers. */
function inputOf(draft: Draft, t: Translator["t"]): { input: NewLocation | null; fields: Record<string, string> } {
	const fields: Record<string, string> = {};
	const latitude = number(draft.latitude);
	const longitude = number(draft.longitude);
	const tax = number(draft.taxPercent);
	const radius = number(draft.radiusKm);
	const fee = number(draft.fee);
	if (latitude === null) fields["coordinates.latitude"] = t("backOffice.locations.notNumber");
	if (longitude === null) fields["coordinates.longitude"] = t("backOffice.locations.notNumber");
	if (tax === null) fields.taxRateBps = t("backOffice.locations.notNumber");
	if (draft.delivery && radius === null)
		fields["fulfilment.delivery.radiusMeters"] = t("backOffice.locations.notNumber");
	if (draft.delivery && fee === null) fields["fulfilment.delivery.fee.amount"] = t("backOffice.locations.notNumber");
	if (Object.keys(fields).length > 0) return { input: null, fields };
	const currency = draft.currency;
	return {
		fields,
		input: {
			slug: draft.slug.trim(),
			name: draft.name.trim(),
			address: {
				line: draft.line.trim(),
				city: draft.city.trim(),
				postcode: draft.postcode.trim(),
				country: draft.country.trim().toUpperCase(),
			},
			coordinates: { latitude: latitude ?? 0, longitude: longitude ?? 0 },
			timeZone: draft.timeZone,
			region: draft.region.trim(),
			currency,
			// Percent to basis points: 20% is 2000.
			taxRateBps: Math.round((tax ?? 0) * 100),
			pricesIncludeTax: draft.pricesIncludeTax,
			// Closed every day until the location's page sets its hours.
			openingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, []])) as unknown as NewLocation["openingHours"],
			fulfilment: {
				pickup: draft.pickup,
				delivery: draft.delivery
					? {
							radiusMeters: Math.round((radius ?? 0) * 1000),
							fee: { amount: toMinor(fee ?? 0, currency), currency },
						}
					: null,
			},
		},
	};
}

function Select({
	id,
	label,
	value,
	options,
	onValue,
	error,
}: {
	id: string;
	label: string;
	value: string;
	options: string[];
	onValue: (value: string) => void;
	error?: string;
}) {
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			<label for={id}>{label}</label>
			<select
				id={id}
				value={value}
				aria-invalid={error ? true : undefined}
				aria-describedby={error ? `${id}-error` : undefined}
				onChange={(event) => onValue(event.currentTarget.value)}
			>
				{options.map((option) => (
					<option key={option} value={option}>
						{option}
					</option>
				))}
			</select>
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}

function CreateLocationForm({ regions }: { regions: string[] }) {
	const { t } = useI18n();
	const [draft, setDraft] = useState<Draft>(() => ({ ...BLANK, region: regions[0] ?? "" }));
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);
	const timeZones = useMemo(() => supported("timeZone"), []);
	const currencies = useMemo(() => supported("currency"), []);
	const set =
		<K extends keyof Draft>(key: K) =>
		(value: Draft[K]) =>
			setDraft((current) => ({ ...current, [key]: value }));

	const submit = async (event: Event) => {
		event.preventDefault();
		setError(null);
		setFields({});
		const { input, fields: local } = inputOf(draft, t);
		if (!input) {
			setFields(local);
			setError(t("backOffice.locations.checkNumbers"));
			return;
		}
		setBusy(true);
		try {
			const created = await createLocation(input);
			announce(t("backOffice.locations.created", { name: created.name }));
			navigate(`/admin/locations/${created.slug}`);
		} catch (failure) {
			setError(kitchenErrorText(failure));
			const refused = kitchenFieldErrors(failure).fields;
			if (failure instanceof ApiFailure && failure.code === "location_exists") {
				refused.slug = t("backOffice.locations.slugTaken");
			}
			setFields(refused);
		} finally {
			setBusy(false);
		}
	};

	const field = (
		id: keyof Draft,
		path: string,
		label: string,
		extra: { hint?: string; inputMode?: "decimal" } = {},
	) => (
		<TextField
			id={`new-location-${id}`}
			label={label}
			value={String(draft[id])}
			onValue={(value) => set(id)(value as never)}
			error={fields[path]}
			{...extra}
		/>
	);

	return (
		<form class="card" onSubmit={submit} noValidate aria-labelledby="new-location-heading">
			<h2 id="new-location-heading">{t("backOffice.locations.new")}</h2>
			<p class="muted small">{t("backOffice.locations.new.hint")}</p>
			<ErrorMessage message={error} takeFocus />
			<TextField
				id="new-location-name"
				label={t("backOffice.locations.name")}
				required
				value={draft.name}
				onValue={(name) =>
					setDraft((current) => ({ ...current, name, slug: current.slugEdited ? current.slug : slugOf(name) }))
				}
				error={fields.name}
			/>
			<TextField
				id="new-location-slug"
				label={t("backOffice.locations.slug")}
				hint={t("backOffice.locations.slug.hint")}
				required
				value={draft.slug}
				onValue={(slug) => setDraft((current) => ({ ...current, slug, slugEdited: true }))}
				error={fields.slug}
			/>
			<fieldset>
				<legend>{t("backOffice.locations.address")}</legend>
				{field("line", "address.line", t("backOffice.locations.address.line"))}
				<div class="field-row">
					{field("city", "address.city", t("backOffice.locations.address.city"))}
					{field("postcode", "address.postcode", t("backOffice.locations.address.postcode"))}
					{field("country", "address.country", t("backOffice.locations.address.country"), {
						hint: t("backOffice.locations.address.country.hint"),
					})}
				</div>
				<div class="field-row">
					{field("latitude", "coordinates.latitude", t("backOffice.locations.latitude"), { inputMode: "decimal" })}
					{field("longitude", "coordinates.longitude", t("backOffice.locations.longitude"), { inputMode: "decimal" })}
				</div>
			</fieldset>
			<div class="field-row">
				<Select
					id="new-location-timeZone"
					label={t("backOffice.locations.timeZone")}
					value={draft.timeZone}
					options={timeZones}
					onValue={set("timeZone")}
					error={fields.timeZone}
				/>
				<Select
					id="new-location-currency"
					label={t("backOffice.locations.currency")}
					value={draft.currency}
					options={currencies}
					onValue={set("currency")}
					error={fields.currency}
				/>
			</div>
			<div class="field-row">
				{field("taxPercent", "taxRateBps", t("backOffice.locations.taxRate"), { inputMode: "decimal" })}
				<label class="check">
					<input
						type="checkbox"
						checked={draft.pricesIncludeTax}
						onChange={(event) => set("pricesIncludeTax")(event.currentTarget.checked)}
					/>
					{t("backOffice.locations.pricesIncludeTax")}
				</label>
			</div>
			<fieldset>
				<legend>{t("backOffice.locations.fulfilment")}</legend>
				<label class="check">
					<input
						type="checkbox"
						checked={draft.pickup}
						onChange={(event) => set("pickup")(event.currentTarget.checked)}
					/>
					{t("backOffice.locations.pickup")}
				</label>
				<label class="check">
					<input
						type="checkbox"
						checked={draft.delivery}
						onChange={(event) => set("delivery")(event.currentTarget.checked)}
					/>
					{t("backOffice.locations.delivery")}
				</label>
				{draft.delivery && (
					<div class="field-row">
						{field("radiusKm", "fulfilment.delivery.radiusMeters", t("backOffice.locations.radius"), {
							inputMode: "decimal",
						})}
						{field(
							"fee",
							"fulfilment.delivery.fee.amount",
							t("backOffice.locations.fee", { currency: draft.currency }),
							{
								inputMode: "decimal",
							},
						)}
					</div>
				)}
			</fieldset>
			<div class={`field${fields.region ? " field-invalid" : ""}`}>
				<label for="new-location-region">{t("backOffice.locations.region")}</label>
				<p class="hint" id="new-location-region-hint">
					{t("backOffice.locations.region.hint")}
				</p>
				<input
					id="new-location-region"
					list="known-regions"
					value={draft.region}
					onInput={(event) => set("region")(event.currentTarget.value)}
					aria-invalid={fields.region ? true : undefined}
					aria-describedby={`new-location-region-hint${fields.region ? " new-location-region-error" : ""}`}
				/>
				<datalist id="known-regions">
					{regions.map((region) => (
						<option key={region} value={region} />
					))}
				</datalist>
				{fields.region && (
					<p class="field-error" id="new-location-region-error">
						{fields.region}
					</p>
				)}
			</div>
			<button type="submit" class="primary" disabled={busy}>
				{busy ? t("backOffice.locations.creating") : t("backOffice.locations.create")}
			</button>
		</form>
	);
}

function LocationTable({ locations }: { locations: Location[] }) {
	const { t } = useI18n();
	return (
		<table class="table">
			<thead>
				<tr>
					<th scope="col">{t("backOffice.locations.name")}</th>
					<th scope="col">{t("backOffice.locations.address.city")}</th>
					<th scope="col">{t("backOffice.locations.timeZone")}</th>
					<th scope="col">{t("backOffice.locations.region")}</th>
					<th scope="col">{t("backOffice.locations.ordering")}</th>
				</tr>
			</thead>
			<tbody>
				{locations.map((location) => {
					const { ordering } = location;
					return (
						<tr key={location.slug}>
							<td>
								<Link href={`/admin/locations/${location.slug}`}>{location.name}</Link>
							</td>
							<td>{location.address.city}</td>
							<td>{location.timeZone}</td>
							<td>{location.region}</td>
							<td>
								{ordering.paused ? (
									<span class="badge badge-closed">{t("backOffice.locations.paused")}</span>
								) : (
									<span class="badge badge-open">{t("backOffice.locations.taking")}</span>
								)}
							</td>
						</tr>
					);
				})}
			</tbody>
		</table>
	);
}

function LocationsManager({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const [locations, setLocations] = useState<Location[] | null>(null);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		listLocations()
			.then((list) => setLocations(list.locations))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, []);

	if (!locations) {
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("backOffice.locations.loading")} />;
	}
	const mine = locationsOf(profile, locations);
	const regions = [...new Set(locations.map((location) => location.region))].sort();
	return (
		<div class="back-office-grid">
			<section class="card wide" aria-labelledby="locations-heading">
				<h2 id="locations-heading">{t("backOffice.locations.yours", { count: mine.length })}</h2>
				{mine.length === 0 ? <p class="muted">{t("backOffice.locations.none")}</p> : <LocationTable locations={mine} />}
			</section>
			{profile.role === "admin" && <CreateLocationForm regions={regions} />}
		</div>
	);
}

export function LocationsAdminPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.locations.title")} current="locations">
			{(profile) => <LocationsManager profile={profile} />}
		</BackOfficeShell>
	);
}
