/**
 * One location's day-to-day switches, for its managers and admins: pause and
 * resume ordering (with a reason customers see), the weekly opening hours, and
 * closures (holidays, a refit) on local dates. Each change is published to the
 * menu at once, so the storefront shows it on its next read.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { WEEKDAYS, type Weekday } from "../../../../workers/api/src/menu/domain/availability";
import {
	addClosure,
	type Closure,
	getLocation,
	listClosures,
	type ManagedLocation,
	pauseOrdering,
	removeClosure,
	resumeOrdering,
	setOpeningHours,
} from "../../api/back-office";
import type { Profile, WeeklyOpeningHours } from "../../api/types";
import { TextField } from "../../components/field";
import { Refusal } from "../../components/menu-editor-fields";
import { ErrorMessage } from "../../components/page";
import { formatDateTime } from "../../format";
import { i18n, type Translator, useI18n } from "../../i18n";
import { type FormError, formRefusal, kitchenErrorText, NO_ERROR } from "../../i18n/kitchen-errors";
import { Link } from "../../router";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { BackOfficeShell } from "./shell";

function OrderingSwitch({
	location,
	onChanged,
}: {
	location: ManagedLocation;
	onChanged: (next: ManagedLocation) => void;
}) {
	const { t } = useI18n();
	const [reason, setReason] = useState("");
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const { ordering } = location;

	const change = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		setBusy(true);
		try {
			const next = ordering.paused
				? await resumeOrdering(location.slug)
				: await pauseOrdering(location.slug, reason.trim());
			announce(
				next.ordering.paused
					? t("backOffice.location.pausedNow", { name: location.name })
					: t("backOffice.location.resumedNow", { name: location.name }),
			);
			setReason("");
			onChanged(next);
		} catch (failure) {
			setError(formRefusal(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form
			class={`card ordering-switch${ordering.paused ? " ordering-paused" : ""}`}
			onSubmit={change}
			noValidate
			aria-labelledby="ordering-heading"
		>
			<h2 id="ordering-heading">{t("backOffice.location.ordering")}</h2>
			<ErrorMessage message={error.message} takeFocus />
			{ordering.paused ? (
				<>
					<p class="ordering-state" role="status">
						{ordering.since
							? t("backOffice.location.pausedSince", {
									since: formatDateTime(ordering.since),
									reason: ordering.reason ?? t("backOffice.location.noReason"),
								})
							: t("backOffice.location.paused", { reason: ordering.reason ?? t("backOffice.location.noReason") })}
					</p>
					<button type="submit" class="primary large" disabled={busy}>
						{t("backOffice.location.resume")}
					</button>
				</>
			) : (
				<>
					<p class="ordering-state" role="status">
						{t("backOffice.location.taking")}
					</p>
					<TextField
						id="pause-reason"
						label={t("backOffice.location.reason")}
						hint={t("backOffice.location.reason.hint")}
						required
						maxLength={200}
						value={reason}
						onValue={setReason}
						error={error.fields.reason}
					/>
					<button type="submit" class="danger large" disabled={busy}>
						{t("backOffice.location.pause")}
					</button>
				</>
			)}
		</form>
	);
}

interface RangeDraft {
	key: number;
	opens: string;
	closes: string;
}

type HoursDraft = Record<Weekday, RangeDraft[]>;

let nextKey = 0;

function hoursDraft(hours: WeeklyOpeningHours): HoursDraft {
	return Object.fromEntries(
		WEEKDAYS.map((day) => [
			day,
			(hours[day] ?? []).map((range) => ({ key: nextKey++, opens: range.opens, closes: range.closes })),
		]),
	) as HoursDraft;
}

/** The day and range number each time field's label carries for screen readers; sighted users see them in its row. */
const onlyForScreenReaders = (chunks: ComponentChildren[]) => <span class="visually-hidden">{chunks}</span>;

function OpeningHoursEditor({
	location,
	onChanged,
}: {
	location: ManagedLocation;
	onChanged: (next: ManagedLocation) => void;
}) {
	const { t, rich } = useI18n();
	const [draft, setDraft] = useState<HoursDraft>(() => hoursDraft(location.openingHours));
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const [saved, setSaved] = useState("");
	const fields = error.fields;

	const setDay = (day: Weekday, ranges: RangeDraft[]) => setDraft({ ...draft, [day]: ranges });

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		setSaved("");
		setBusy(true);
		try {
			const openingHours = Object.fromEntries(
				WEEKDAYS.map((day) => [day, draft[day].map(({ opens, closes }) => ({ opens, closes }))]),
			) as WeeklyOpeningHours;
			const next = await setOpeningHours(location.slug, openingHours);
			setSaved(t("backOffice.location.hours.saved"));
			onChanged(next);
		} catch (failure) {
			setError(formRefusal(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card" onSubmit={save} noValidate aria-labelledby="hours-heading">
			<h2 id="hours-heading">{t("backOffice.location.hours")}</h2>
			<p class="muted small">{t("backOffice.location.hours.hint", { timeZone: location.timeZone })}</p>
			<Refusal message={error.message} details={error.details} />
			{WEEKDAYS.map((day) => {
				const dayName = t(`kitchen.day.${day}`);
				const dayError = fields[`openingHours.${day}`];
				return (
					<fieldset key={day} class={`editor-group hours-day${dayError ? " field-invalid" : ""}`}>
						<legend>{dayName}</legend>
						{draft[day].length === 0 && <p class="muted small">{t("backOffice.location.hours.closed")}</p>}
						{draft[day].map((range, index) => {
							const at = `openingHours.${day}.${index}`;
							const rangeError = fields[`${at}.closes`] ?? fields[`${at}.opens`] ?? fields[at];
							const id = `hours-${day}-${range.key}`;
							const change = (patch: Partial<RangeDraft>) =>
								setDay(
									day,
									draft[day].map((other) => (other.key === range.key ? { ...other, ...patch } : other)),
								);
							return (
								<div key={range.key} class="editor-row hours-range">
									<div class="field">
										<label for={`${id}-opens`}>
											{rich("backOffice.location.hours.opens", {
												day: dayName,
												n: index + 1,
												hidden: onlyForScreenReaders,
											})}
										</label>
										<input
											id={`${id}-opens`}
											type="time"
											step={60}
											value={range.opens}
											aria-invalid={rangeError ? true : undefined}
											onInput={(event) => change({ opens: event.currentTarget.value })}
										/>
									</div>
									<div class="field">
										<label for={`${id}-closes`}>
											{rich("backOffice.location.hours.closes", {
												day: dayName,
												n: index + 1,
												hidden: onlyForScreenReaders,
											})}
										</label>
										<input
											id={`${id}-closes`}
											type="time"
											step={60}
											value={range.closes}
											aria-invalid={rangeError ? true : undefined}
											aria-describedby={rangeError ? `${id}-error` : undefined}
											onInput={(event) => change({ closes: event.currentTarget.value })}
										/>
									</div>
									<button
										type="button"
										class="danger-outline"
										onClick={() =>
											setDay(
												day,
												draft[day].filter((other) => other.key !== range.key),
											)
										}
									>
										{rich("backOffice.location.hours.remove", {
											day: dayName,
											n: index + 1,
											hidden: onlyForScreenReaders,
										})}
									</button>
									{rangeError && (
										<p class="field-error" id={`${id}-error`}>
											{rangeError}
										</p>
									)}
								</div>
							);
						})}
						{dayError && <p class="field-error">{dayError}</p>}
						<button
							type="button"
							onClick={() => {
								const last = draft[day].at(-1);
								const opens = last ? last.closes : "09:00";
								setDay(day, [...draft[day], { key: nextKey++, opens, closes: last ? "23:00" : "17:00" }]);
							}}
						>
							{t("backOffice.location.hours.add", { day: dayName })}
						</button>
					</fieldset>
				);
			})}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{t("backOffice.location.hours.save")}
				</button>
				<p role="status" class="success">
					{saved}
				</p>
			</div>
		</form>
	);
}

/** A local date (YYYY-MM-DD) as the language writes it, with its weekday: the same day wherever the reader is. */
function localDate(date: string): string {
	const { intl } = i18n();
	return intl.formatDate(new Date(`${date}T12:00:00Z`), { timeZone: "UTC", dateStyle: "full" });
}

function closureDates(closure: Closure, t: Translator["t"]): string {
	const from = localDate(closure.from);
	return closure.from === closure.to
		? from
		: t("backOffice.location.closures.range", { from, to: localDate(closure.to) });
}

function Closures({ slug, initial }: { slug: string; initial: Closure[] }) {
	const { t } = useI18n();
	const [closures, setClosures] = useState<Closure[]>(initial);
	const [draft, setDraft] = useState({ from: "", to: "", reason: "" });
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [listError, setListError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	const reload = () =>
		listClosures(slug)
			.then((list) => {
				setClosures(list.closures);
				setListError(null);
			})
			.catch((failure) => setListError(kitchenErrorText(failure)));

	useEffect(() => {
		void reload();
	}, [slug]);

	const add = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		setBusy(true);
		try {
			const added = await addClosure(slug, {
				from: draft.from,
				...(draft.to ? { to: draft.to } : {}),
				reason: draft.reason.trim(),
			});
			announce(t("backOffice.location.closures.added", { dates: closureDates(added, t) }));
			setDraft({ from: "", to: "", reason: "" });
			await reload();
		} catch (failure) {
			setError(formRefusal(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async (closure: Closure) => {
		setListError(null);
		try {
			await removeClosure(slug, closure.id);
			announce(t("backOffice.location.closures.removed", { dates: closureDates(closure, t) }));
			await reload();
		} catch (failure) {
			setListError(kitchenErrorText(failure));
		}
	};

	return (
		<section class="card" aria-labelledby="closures-heading">
			<h2 id="closures-heading">{t("backOffice.location.closures")}</h2>
			<ErrorMessage message={listError} />
			{closures.length === 0 ? (
				<p class="muted">{t("backOffice.location.closures.none")}</p>
			) : (
				<ul class="manage-list">
					{closures.map((closure) => (
						<li key={closure.id} class="manage-row">
							<span class="item-name">{closureDates(closure, t)}</span>
							<span>{closure.reason}</span>
							<button type="button" class="danger-outline" onClick={() => remove(closure)}>
								{t("backOffice.location.closures.remove")}{" "}
								<span class="visually-hidden">{closureDates(closure, t)}</span>
							</button>
						</li>
					))}
				</ul>
			)}
			<form onSubmit={add} noValidate aria-labelledby="closure-add-heading" class="closure-form">
				<h3 id="closure-add-heading">{t("backOffice.location.closures.new")}</h3>
				<ErrorMessage message={error.message} takeFocus />
				<div class="field-row">
					<TextField
						type="date"
						id="closure-from"
						label={t("backOffice.location.closures.from")}
						value={draft.from}
						onValue={(from) => setDraft({ ...draft, from })}
						error={error.fields.from}
					/>
					<TextField
						type="date"
						id="closure-to"
						label={t("backOffice.location.closures.to")}
						hint={t("backOffice.location.closures.to.hint")}
						value={draft.to}
						onValue={(to) => setDraft({ ...draft, to })}
						error={error.fields.to}
					/>
				</div>
				<TextField
					id="closure-reason"
					label={t("backOffice.location.closures.reason")}
					required
					maxLength={200}
					value={draft.reason}
					onValue={(reason) => setDraft({ ...draft, reason })}
					error={error.fields.reason}
				/>
				<button type="submit" class="primary" disabled={busy}>
					{t("backOffice.location.closures.add")}
				</button>
			</form>
		</section>
	);
}

function LocationManager({
	slug,
	profile,
	onName,
}: {
	slug: string;
	profile: Profile;
	onName: (name: string) => void;
}) {
	const { t } = useI18n();
	const [location, setLocation] = useState<ManagedLocation | null>(null);
	const [error, setError] = useState<string | null>(null);
	const mine = profile.role === "admin" || profile.locations.includes(slug);

	useEffect(() => {
		if (!mine) return;
		getLocation(slug)
			.then((found) => {
				setLocation(found);
				onName(found.name);
			})
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, [slug, mine]);

	if (!mine) return <p>{t("backOffice.location.notYours")}</p>;
	if (!location) {
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("backOffice.location.loading")} />;
	}
	return (
		<div class="back-office-grid">
			<p class="wide">
				<span class="muted">
					{location.address.line}, {location.address.city} · {location.timeZone}
				</span>{" "}
				<Link href={`/locations/${location.slug}`}>{t("backOffice.location.storefront")}</Link>
			</p>
			<OrderingSwitch location={location} onChanged={setLocation} />
			<Closures slug={location.slug} initial={location.closures} />
			<OpeningHoursEditor location={location} onChanged={setLocation} />
		</div>
	);
}

export function LocationAdminPage({ slug }: { slug: string }) {
	const { t } = useI18n();
	const [name, setName] = useState(slug);
	return (
		<BackOfficeShell title={t("backOffice.location.title", { name })} current="locations">
			{(profile) => (
				<>
					<p>
						<Link href="/admin/locations">{t("backOffice.location.back")}</Link>
					</p>
					<LocationManager slug={slug} profile={profile} onName={setName} />
				</>
			)}
		</BackOfficeShell>
	);
}
