/**
 * The audit log (admins only): every staff and admin write, newest first,
 * narrowed by actor, action, location and dates, a page at a time. Each
 * entry shows what it found and left field by field, changes marked.
 */
import { useEffect, useState } from "preact/hooks";
import { type AuditEntry, type AuditFilter, auditEntries } from "../../api/operations";
import type { Location, Profile } from "../../api/types";
import { TextField } from "../../components/field";
import { ErrorMessage } from "../../components/page";
import { type MessageId, useI18n } from "../../i18n";
import { kitchenErrorText, kitchenFieldErrors } from "../../i18n/kitchen-errors";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { auditDiff, type ChangeKind, changeCount, showValue } from "./audit-diff";
import { LocationSelect, useLocationsOf } from "./operations-locations";
import { BackOfficeShell } from "./shell";

const PAGE_SIZE = 50;

const KIND_LABELS: Record<ChangeKind, MessageId> = {
	added: "operations.audit.kind.added",
	removed: "operations.audit.kind.removed",
	changed: "operations.audit.kind.changed",
	same: "operations.audit.kind.same",
};

const EMPTY_FILTER = { actor: "", action: "", location: "", from: "", to: "" };
type FilterDraft = typeof EMPTY_FILTER;

/** The filter as the API takes it: blank fields left out. */
function filterOf(draft: FilterDraft): AuditFilter {
	return Object.fromEntries(
		Object.entries(draft)
			.map(([name, value]) => [name, value.trim()])
			.filter(([, value]) => value !== ""),
	);
}

function Diff({ entry }: { entry: AuditEntry }) {
	const { t } = useI18n();
	const [everything, setEverything] = useState(false);
	const rows = auditDiff(entry.before, entry.after);
	if (rows.length === 0) return <p class="muted">{t("operations.audit.nothingRecorded")}</p>;
	const changed = changeCount(rows);
	const unchanged = rows.length - changed;
	const shown = everything ? rows : rows.filter((row) => row.kind !== "same");
	return (
		<div class="ops-diff">
			<p class="small">
				{entry.before === null || entry.before === undefined
					? t("operations.audit.noBefore", { count: changed })
					: t("operations.audit.changedCount", { count: changed })}
			</p>
			{shown.length > 0 && (
				<div class="ops-table-wrap">
					<table class="table ops-table ops-diff-table">
						<caption class="visually-hidden">{t("operations.audit.diffCaption", { action: entry.action })}</caption>
						<thead>
							<tr>
								<th scope="col">{t("operations.audit.field")}</th>
								<th scope="col">{t("operations.audit.before")}</th>
								<th scope="col">{t("operations.audit.after")}</th>
							</tr>
						</thead>
						<tbody>
							{shown.map((row) => (
								<tr key={row.path} class={`ops-diff-${row.kind}`}>
									<th scope="row">
										<code>{row.path || t("operations.audit.wholeValue")}</code>{" "}
										{row.kind !== "same" && <span class="ops-diff-kind">{t(KIND_LABELS[row.kind])}</span>}
									</th>
									<td class="ops-wrap">
										{row.kind === "added" ? <span class="muted">—</span> : <code>{showValue(row.before)}</code>}
									</td>
									<td class="ops-wrap">
										{row.kind === "removed" ? <span class="muted">—</span> : <code>{showValue(row.after)}</code>}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{unchanged > 0 && (
				<button type="button" class="link-button" aria-expanded={everything} onClick={() => setEverything(!everything)}>
					{everything ? t("operations.audit.hideUnchanged") : t("operations.audit.showUnchanged", { count: unchanged })}
				</button>
			)}
		</div>
	);
}

function Entry({ entry, locations }: { entry: AuditEntry; locations: Location[] }) {
	const { t, intl } = useI18n();
	const headingId = `audit-${entry.id}`;
	const where = entry.location
		? (locations.find((location) => location.slug === entry.location)?.name ?? entry.location)
		: null;
	return (
		<li class="card ops-audit-entry">
			<article aria-labelledby={headingId}>
				<h3 id={headingId} class="ops-audit-title">
					<code>{entry.action}</code>
				</h3>
				<dl class="ops-facts">
					<div>
						<dt>{t("operations.audit.at")}</dt>
						<dd>
							<time dateTime={entry.at}>{intl.formatDate(entry.at, { dateStyle: "medium", timeStyle: "medium" })}</time>
						</dd>
					</div>
					<div>
						<dt>{t("operations.audit.actor")}</dt>
						<dd>
							{t("operations.audit.actorIs", {
								who: entry.actor.email ?? entry.actor.id,
								role: t(`operations.audit.role.${entry.actor.role}`),
							})}
						</dd>
					</div>
					<div>
						<dt>{t("operations.audit.target")}</dt>
						<dd class="ops-wrap">
							<code>{entry.target}</code>
						</dd>
					</div>
					{where && (
						<div>
							<dt>{t("operations.location")}</dt>
							<dd>{where}</dd>
						</div>
					)}
					<div>
						<dt>{t("operations.audit.status")}</dt>
						<dd>{entry.status}</dd>
					</div>
				</dl>
				<Diff entry={entry} />
			</article>
		</li>
	);
}

function Filters({
	locations,
	busy,
	fields,
	onApply,
}: {
	locations: Location[];
	busy: boolean;
	fields: Record<string, string>;
	onApply: (filter: FilterDraft) => void;
}) {
	const { t } = useI18n();
	const [draft, setDraft] = useState(EMPTY_FILTER);
	const set = (name: keyof FilterDraft) => (value: string) => setDraft((current) => ({ ...current, [name]: value }));
	return (
		<form
			class="card ops-form ops-audit-filters"
			aria-labelledby="audit-filter-heading"
			onSubmit={(event) => {
				event.preventDefault();
				onApply(draft);
			}}
		>
			<h2 id="audit-filter-heading">{t("operations.audit.filter")}</h2>
			<div class="field-row">
				<TextField
					id="audit-actor"
					label={t("operations.audit.actor")}
					hint={t("operations.audit.actor.hint")}
					value={draft.actor}
					onValue={set("actor")}
					error={fields.actor}
				/>
				<TextField
					id="audit-action"
					label={t("operations.audit.action")}
					hint={t("operations.audit.action.hint")}
					value={draft.action}
					onValue={set("action")}
					error={fields.action}
				/>
				<LocationSelect
					id="audit-location"
					label={t("operations.location")}
					locations={locations}
					value={draft.location}
					onChange={set("location")}
					anyLabel={t("operations.audit.anyLocation")}
				/>
				<TextField
					type="date"
					id="audit-from"
					label={t("operations.audit.from")}
					value={draft.from}
					onValue={set("from")}
					error={fields.from}
				/>
				<TextField
					type="date"
					id="audit-to"
					label={t("operations.audit.to")}
					value={draft.to}
					onValue={set("to")}
					error={fields.to}
				/>
			</div>
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{t("operations.audit.apply")}
				</button>
				<button
					type="button"
					disabled={busy}
					onClick={() => {
						setDraft(EMPTY_FILTER);
						onApply(EMPTY_FILTER);
					}}
				>
					{t("operations.audit.clear")}
				</button>
			</div>
		</form>
	);
}

function AuditLog({ locations }: { locations: Location[] }) {
	const { t } = useI18n();
	const [filter, setFilter] = useState<AuditFilter>({});
	const [entries, setEntries] = useState<AuditEntry[] | null>(null);
	const [cursor, setCursor] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});

	useEffect(() => {
		let live = true;
		setEntries(null);
		setError(null);
		setFields({});
		setBusy(true);
		auditEntries(filter, undefined, PAGE_SIZE)
			.then((page) => {
				if (!live) return;
				setEntries(page.entries);
				setCursor(page.nextCursor);
			})
			.catch((failure) => {
				if (!live) return;
				setFields(kitchenFieldErrors(failure).fields);
				setError(kitchenErrorText(failure));
			})
			.finally(() => live && setBusy(false));
		return () => {
			live = false;
		};
	}, [filter]);

	const loadMore = async () => {
		if (!cursor) return;
		setBusy(true);
		setError(null);
		try {
			const page = await auditEntries(filter, cursor, PAGE_SIZE);
			setEntries((shown) => [...(shown ?? []), ...page.entries]);
			setCursor(page.nextCursor);
			announce(t("operations.audit.loaded", { count: page.entries.length }));
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<div class="ops-audit">
			<p class="muted">{t("operations.audit.intro")}</p>
			<Filters locations={locations} busy={busy} fields={fields} onApply={(draft) => setFilter(filterOf(draft))} />
			<section aria-labelledby="audit-entries-heading">
				<h2 id="audit-entries-heading">{t("operations.audit.entries")}</h2>
				<ErrorMessage message={error} />
				{!entries && !error && <KitchenLoading message={t("operations.audit.loading")} />}
				{entries?.length === 0 && <p>{t("operations.audit.none")}</p>}
				{entries && entries.length > 0 && (
					<ol class="plain-list ops-audit-list">
						{entries.map((entry) => (
							<Entry key={entry.id} entry={entry} locations={locations} />
						))}
					</ol>
				)}
				{entries &&
					entries.length > 0 &&
					(cursor ? (
						<button type="button" disabled={busy} onClick={loadMore}>
							{t("operations.audit.loadMore")}
						</button>
					) : (
						<p class="muted">{t("operations.audit.end")}</p>
					))}
			</section>
		</div>
	);
}

function AuditScreen({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const { locations, error } = useLocationsOf(profile);
	if (profile.role !== "admin") return <p>{t("operations.adminsOnly")}</p>;
	if (!locations)
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("operations.loadingLocations")} />;
	return <AuditLog locations={locations} />;
}

export function AuditPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.audit")} current="audit">
			{(profile) => <AuditScreen profile={profile} />}
		</BackOfficeShell>
	);
}
