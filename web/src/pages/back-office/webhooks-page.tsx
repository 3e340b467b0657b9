/**
 * A location's webhooks: register one (its signing secret is shown once),
 * send a signed test, remove one, and read each one's latest deliveries with
 * their attempts and last error. Managers see their own locations; admins all.
 */
import { useEffect, useState } from "preact/hooks";
import {
	type DeliveryStatus,
	listWebhooks,
	registerWebhook,
	removeWebhook,
	testWebhook,
	type Webhook,
	type WebhookCreated,
	type WebhookDelivery,
	type WebhookEventType,
	type WebhookTestResult,
	webhookDeliveries,
} from "../../api/operations";
import type { Location, Profile } from "../../api/types";
import { CheckboxGroup, TextField } from "../../components/field";
import { ErrorMessage } from "../../components/page";
import { type MessageId, useI18n } from "../../i18n";
import { kitchenErrorText, kitchenFieldErrors } from "../../i18n/kitchen-errors";
import { navigate, useRoute } from "../../router";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { LocationSelect, useLocationsOf } from "./operations-locations";
import { BackOfficeShell } from "./shell";

/**
 * Every event type a webhook may name; a Record so a type the API adds fails
 * the type check until it is listed. PaymentFailed is in the schema's type but
 * not among its values: it never leaves its order, so a webhook cannot ask for it.
 */
const EVENT_TYPE_SET: Record<Exclude<WebhookEventType, "PaymentFailed">, true> = {
	OrderPlaced: true,
	OrderConfirmed: true,
	OrderPreparationStarted: true,
	OrderReady: true,
	OrderPickedUp: true,
	OrderOutForDelivery: true,
	OrderDelivered: true,
	OrderRejected: true,
	OrderCancelled: true,
	PaymentAuthorised: true,
	PaymentCaptured: true,
	PaymentVoided: true,
	PaymentRefunded: true,
};
const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as (keyof typeof EVENT_TYPE_SET)[];

const DELIVERY_STATUS: Record<DeliveryStatus, MessageId> = {
	sending: "operations.webhooks.delivery.sending",
	sent: "operations.webhooks.delivery.sent",
	failed: "operations.webhooks.delivery.failed",
	dead: "operations.webhooks.delivery.dead",
	skipped: "operations.webhooks.delivery.skipped",
};

function TestOutcome({ result }: { result: WebhookTestResult }) {
	const { t, intl } = useI18n();
	const duration = intl.formatNumber(result.durationMs, { style: "unit", unit: "millisecond", unitDisplay: "short" });
	return (
		<div class={result.delivered ? "ops-outcome ops-outcome-ok" : "ops-outcome ops-outcome-bad"}>
			<p>
				<strong>
					{result.delivered ? t("operations.webhooks.test.delivered") : t("operations.webhooks.test.notDelivered")}
				</strong>{" "}
				{result.status === null
					? t("operations.webhooks.test.noStatus", { duration })
					: t("operations.webhooks.test.status", { status: result.status, duration })}
			</p>
			{result.error && <p>{t("operations.webhooks.test.error", { error: result.error })}</p>}
		</div>
	);
}

function Deliveries({ slug, webhook, refreshed }: { slug: string; webhook: Webhook; refreshed: number }) {
	const { t, intl } = useI18n();
	const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	// `refreshed` changes after a test: the list is asked for again.
	useEffect(() => {
		setError(null);
		webhookDeliveries(slug, webhook.id)
			.then(({ deliveries }) => setDeliveries(deliveries))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, [slug, webhook.id, refreshed]);
	const headingId = `deliveries-${webhook.id}`;
	return (
		<section aria-labelledby={headingId} class="ops-deliveries">
			<h4 id={headingId}>{t("operations.webhooks.deliveries")}</h4>
			{error ? (
				<ErrorMessage message={error} />
			) : !deliveries ? (
				<KitchenLoading message={t("operations.webhooks.deliveries.loading")} />
			) : deliveries.length === 0 ? (
				<p class="muted">{t("operations.webhooks.deliveries.none")}</p>
			) : (
				<div class="ops-table-wrap">
					<table class="table ops-table">
						<caption class="visually-hidden">
							{t("operations.webhooks.deliveries.caption", { url: webhook.url })}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t("operations.webhooks.deliveries.when")}</th>
								<th scope="col">{t("operations.webhooks.deliveries.event")}</th>
								<th scope="col">{t("operations.webhooks.deliveries.order")}</th>
								<th scope="col">{t("operations.webhooks.deliveries.status")}</th>
								<th scope="col" class="numeric">
									{t("operations.webhooks.deliveries.attempts")}
								</th>
								<th scope="col">{t("operations.webhooks.deliveries.lastError")}</th>
							</tr>
						</thead>
						<tbody>
							{deliveries.map((delivery) => (
								<tr key={delivery.eventId}>
									<td>{intl.formatDate(delivery.updatedAt, { dateStyle: "medium", timeStyle: "short" })}</td>
									<td>
										<code>{delivery.eventType}</code>
									</td>
									<td>
										<code>{delivery.orderId}</code>
									</td>
									<td>
										<span class={`badge ops-status-${delivery.status}`}>{t(DELIVERY_STATUS[delivery.status])}</span>
									</td>
									<td class="numeric">{delivery.attempts}</td>
									<td class="ops-wrap">{delivery.lastError ?? "—"}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}

function WebhookCard({ slug, webhook, onRemoved }: { slug: string; webhook: Webhook; onRemoved: () => void }) {
	const { t, intl } = useI18n();
	const [busy, setBusy] = useState(false);
	const [result, setResult] = useState<WebhookTestResult | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [confirmRemove, setConfirmRemove] = useState(false);
	const [refreshed, setRefreshed] = useState(0);
	const headingId = `webhook-${webhook.id}`;

	const sendTest = async () => {
		setBusy(true);
		setError(null);
		setResult(null);
		try {
			const outcome = await testWebhook(slug, webhook.id);
			setResult(outcome);
			announce(
				outcome.delivered ? t("operations.webhooks.test.delivered") : t("operations.webhooks.test.notDelivered"),
			);
			setRefreshed((count) => count + 1);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		setBusy(true);
		setError(null);
		try {
			await removeWebhook(slug, webhook.id);
			announce(t("operations.webhooks.removed", { url: webhook.url }));
			onRemoved();
		} catch (failure) {
			setError(kitchenErrorText(failure));
			setBusy(false);
		}
	};

	return (
		<li class="card ops-webhook">
			<article aria-labelledby={headingId}>
				<h3 id={headingId} class="ops-wrap">
					{webhook.url}
				</h3>
				<dl class="ops-facts">
					<div>
						<dt>{t("operations.webhooks.events")}</dt>
						<dd>{webhook.events === "all" ? t("operations.webhooks.events.all") : intl.formatList(webhook.events)}</dd>
					</div>
					<div>
						<dt>{t("operations.webhooks.registered")}</dt>
						<dd>{intl.formatDate(webhook.createdAt, { dateStyle: "medium", timeStyle: "short" })}</dd>
					</div>
				</dl>
				<div class="actions">
					<button
						type="button"
						disabled={busy}
						onClick={sendTest}
						aria-label={t("operations.webhooks.test.named", { url: webhook.url })}
					>
						{t("operations.webhooks.test")}
					</button>
					{confirmRemove ? (
						<>
							<button
								type="button"
								class="danger"
								disabled={busy}
								onClick={remove}
								aria-label={t("operations.webhooks.removeForGood.named", { url: webhook.url })}
							>
								{t("operations.webhooks.removeForGood")}
							</button>
							<button type="button" disabled={busy} onClick={() => setConfirmRemove(false)}>
								{t("operations.webhooks.keep")}
							</button>
						</>
					) : (
						<button
							type="button"
							class="danger-outline"
							disabled={busy}
							onClick={() => setConfirmRemove(true)}
							aria-label={t("operations.webhooks.remove.named", { url: webhook.url })}
						>
							{t("operations.webhooks.remove")}
						</button>
					)}
				</div>
				<div aria-live="polite">{result && <TestOutcome result={result} />}</div>
				<ErrorMessage message={error} />
				<Deliveries slug={slug} webhook={webhook} refreshed={refreshed} />
			</article>
		</li>
	);
}

/** The secret of a webhook just registered: shown this once, with a copy button. */
function SecretOnce({ created, onDone }: { created: WebhookCreated; onDone: () => void }) {
	const { t } = useI18n();
	const [copied, setCopied] = useState<boolean | null>(null);
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(created.secret);
			setCopied(true);
			announce(t("operations.webhooks.secret.copied"));
		} catch {
			setCopied(false);
		}
	};
	return (
		<section class="ops-secret" aria-labelledby="webhook-secret-heading">
			<h2 id="webhook-secret-heading" tabIndex={-1}>
				{t("operations.webhooks.secret.heading")}
			</h2>
			<p class="notice" id="webhook-secret-note">
				<strong>{t("operations.webhooks.secret.once")}</strong> {t("operations.webhooks.secret.why")}
			</p>
			<div class="field">
				<label for="webhook-secret">{t("operations.webhooks.secret.label", { url: created.url })}</label>
				<div class="ops-secret-row">
					<input
						id="webhook-secret"
						readOnly
						value={created.secret}
						aria-describedby="webhook-secret-note"
						onFocus={(event) => event.currentTarget.select()}
						spellcheck={false}
						autoComplete="off"
					/>
					<button type="button" class="primary" onClick={copy}>
						{t("operations.webhooks.secret.copy")}
					</button>
				</div>
				<p class="hint" aria-live="polite">
					{copied === true && t("operations.webhooks.secret.copied")}
					{copied === false && t("operations.webhooks.secret.copyFailed")}
				</p>
			</div>
			<button type="button" onClick={onDone}>
				{t("operations.webhooks.secret.done")}
			</button>
		</section>
	);
}

function RegisterForm({ slug, onCreated }: { slug: string; onCreated: (created: WebhookCreated) => void }) {
	const { t } = useI18n();
	const [url, setUrl] = useState("");
	const [every, setEvery] = useState(true);
	const [chosen, setChosen] = useState<(typeof EVENT_TYPES)[number][]>([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});

	const submit = async (event: Event) => {
		event.preventDefault();
		setError(null);
		setFields({});
		if (!every && chosen.length === 0) {
			setFields({ events: t("operations.webhooks.events.none") });
			return;
		}
		setBusy(true);
		try {
			const created = await registerWebhook(slug, {
				url: url.trim(),
				events: every ? "all" : EVENT_TYPES.filter((type) => chosen.includes(type)),
			});
			setUrl("");
			setChosen([]);
			setEvery(true);
			onCreated(created);
		} catch (failure) {
			const refusal = kitchenFieldErrors(failure);
			setFields(refusal.fields);
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form onSubmit={submit} aria-labelledby="webhook-register-heading" class="card ops-form">
			<h2 id="webhook-register-heading">{t("operations.webhooks.register.heading")}</h2>
			<ErrorMessage message={error} takeFocus />
			<TextField
				id="webhook-url"
				label={t("operations.webhooks.url")}
				hint={t("operations.webhooks.url.hint")}
				value={url}
				onValue={setUrl}
				error={fields.url}
				inputMode="text"
				required
				maxLength={2048}
			/>
			<fieldset class={fields.events ? "field-invalid" : undefined}>
				<legend>{t("operations.webhooks.events")}</legend>
				<div class="segmented">
					<label class="check">
						<input type="radio" name="webhook-events" checked={every} onChange={() => setEvery(true)} />
						{t("operations.webhooks.events.every")}
					</label>
					<label class="check">
						<input type="radio" name="webhook-events" checked={!every} onChange={() => setEvery(false)} />
						{t("operations.webhooks.events.some")}
					</label>
				</div>
				{!every && (
					<CheckboxGroup
						legend={t("operations.webhooks.events.choose")}
						name="webhook-event"
						values={EVENT_TYPES}
						selected={chosen}
						onChange={setChosen}
						label={(type) => type}
					/>
				)}
				{fields.events && <p class="field-error">{fields.events}</p>}
			</fieldset>
			<button type="submit" class="primary" disabled={busy}>
				{t("operations.webhooks.register")}
			</button>
		</form>
	);
}

function LocationWebhooks({ location }: { location: Location }) {
	const { t } = useI18n();
	const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [created, setCreated] = useState<WebhookCreated | null>(null);

	const load = () =>
		listWebhooks(location.slug)
			.then((list) => setWebhooks(list.webhooks))
			.catch((failure) => setError(kitchenErrorText(failure)));

	// Keyed by location: loads once.
	useEffect(() => {
		void load();
	}, []);

	useEffect(() => {
		if (created) document.getElementById("webhook-secret-heading")?.focus();
	}, [created]);

	const onCreated = (webhook: WebhookCreated) => {
		setCreated(webhook);
		announce(t("operations.webhooks.registeredNow", { url: webhook.url }));
		void load();
	};

	return (
		<div class="ops-webhooks">
			{created && <SecretOnce created={created} onDone={() => setCreated(null)} />}
			<section aria-labelledby="webhook-list-heading">
				<h2 id="webhook-list-heading">{t("operations.webhooks.list.heading", { location: location.name })}</h2>
				<ErrorMessage message={error} />
				{!webhooks && !error && <KitchenLoading message={t("operations.webhooks.loading")} />}
				{webhooks?.length === 0 && <p>{t("operations.webhooks.none")}</p>}
				{webhooks && webhooks.length > 0 && (
					<ul class="plain-list ops-webhook-list">
						{webhooks.map((webhook) => (
							<WebhookCard
								key={webhook.id}
								slug={location.slug}
								webhook={webhook}
								onRemoved={() => setWebhooks((list) => list?.filter((other) => other.id !== webhook.id) ?? null)}
							/>
						))}
					</ul>
				)}
			</section>
			<RegisterForm slug={location.slug} onCreated={onCreated} />
		</div>
	);
}

function WebhooksScreen({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const { pathname, query } = useRoute();
	const { locations, error } = useLocationsOf(profile);
	if (!locations)
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("operations.loadingLocations")} />;
	const location = locations.find((candidate) => candidate.slug === query.get("location")) ?? locations[0];
	if (!location) return <p>{t("operations.noLocation")}</p>;
	return (
		<>
			<div class="toolbar">
				<LocationSelect
					id="webhooks-location"
					label={t("operations.location")}
					locations={locations}
					value={location.slug}
					onChange={(slug) => navigate(`${pathname}?location=${encodeURIComponent(slug)}`, { replace: true })}
				/>
			</div>
			<p class="muted">{t("operations.webhooks.intro")}</p>
			<LocationWebhooks key={location.slug} location={location} />
		</>
	);
}

export function WebhooksPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.webhooks")} current="webhooks">
			{(profile) => <WebhooksScreen profile={profile} />}
		</BackOfficeShell>
	);
}
