/**
 * The signed-in customer's profile (allergens to avoid, diets, addresses),
 * order history and reorder. The profile and the history with every order's
 * lines come in one GraphQL request, so a reorder needs no read of the order.
 */
import { useEffect, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import type { AccountOrder } from "../api/account-query";
import { emailVerified } from "../api/back-office";
import { fetchMenu, myAccount, updateProfile } from "../api/endpoints";

import type { Allergen, DietaryTag, Menu, Profile } from "../api/types";
import { knownAllergens, knownDietaryTags } from "../api/vocabulary";
import { CheckboxGroup, TextField } from "../components/field";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { formatDateTime, formatMoney, shortOrderId, statusLabel, tagLabel } from "../format";
import { i18n, useI18n } from "../i18n";
import { errorText, fieldErrors } from "../i18n/errors";
import { Link, navigate } from "../router";
import { addToCart, loadCart } from "../state/cart";
import { isStaff, replaceProfile, useSession } from "../state/session";
import { ResendVerification } from "./verify-email-page";

function ProfileForm({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const [name, setName] = useState(profile.name);
	const [phone, setPhone] = useState(profile.phone ?? "");
	const [avoid, setAvoid] = useState<Allergen[]>(() => knownAllergens(profile.avoidAllergens));
	const [diets, setDiets] = useState<DietaryTag[]>(() => knownDietaryTags(profile.dietaryPreferences));
	const [orderUpdates, setOrderUpdates] = useState(profile.notificationPreferences.orderUpdates);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [error, setError] = useState<string | null>(null);
	const [saved, setSaved] = useState("");
	const [busy, setBusy] = useState(false);

	const save = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		setSaved("");
		try {
			const updated = await updateProfile({
				name: name.trim(),
				phone: phone.trim() || null,
				avoidAllergens: avoid,
				dietaryPreferences: diets,
				notificationPreferences: { ...profile.notificationPreferences, orderUpdates },
			});
			replaceProfile(updated);
			setSaved(t("account.profile.saved"));
		} catch (failure) {
			setError(errorText(failure));
			setFields(fieldErrors(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form onSubmit={save} noValidate aria-labelledby="profile-heading" class="card">
			<h2 id="profile-heading">{t("account.profile")}</h2>
			<ErrorMessage message={error} takeFocus />
			<p class="muted">{profile.email}</p>
			<TextField
				id="profile-name"
				label={t("field.name")}
				autoComplete="name"
				value={name}
				onValue={setName}
				error={fields.name}
			/>
			<TextField
				id="profile-phone"
				label={t("field.phone")}
				type="tel"
				autoComplete="tel"
				value={phone}
				onValue={setPhone}
				error={fields.phone}
			/>
			<CheckboxGroup
				legend={t("account.avoid")}
				name="avoid"
				values={EU_ALLERGENS}
				selected={avoid}
				onChange={setAvoid}
				label={tagLabel}
			/>
			<CheckboxGroup
				legend={t("account.diets")}
				name="diets"
				values={DIETARY_TAGS}
				selected={diets}
				onChange={setDiets}
				label={tagLabel}
			/>
			<label class="check">
				<input
					type="checkbox"
					checked={orderUpdates}
					onChange={(event) => setOrderUpdates(event.currentTarget.checked)}
				/>
				{t("account.orderUpdates")}
			</label>
			<button type="submit" class="primary" disabled={busy}>
				{busy ? t("account.saving") : t("account.save")}
			</button>
			<p role="status" class="success">
				{saved}
			</p>
		</form>
	);
}

function SavedAddresses({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const [error, setError] = useState<string | null>(null);
	const remove = async (label: string) => {
		try {
			replaceProfile(await updateProfile({ addresses: profile.addresses.filter((entry) => entry.label !== label) }));
		} catch (failure) {
			setError(errorText(failure));
		}
	};
	return (
		<section class="card" aria-labelledby="addresses-heading">
			<h2 id="addresses-heading">{t("account.addresses")}</h2>
			{!emailVerified(profile) && <p class="muted">{t("account.addresses.unverified")}</p>}
			{profile.addresses.length === 0 ? (
				emailVerified(profile) && <p class="muted">{t("account.addresses.none")}</p>
			) : (
				<ul class="plain-list">
					{profile.addresses.map((entry) => (
						<li key={entry.label}>
							{entry.line1}, {entry.city} {entry.postcode}{" "}
							<button type="button" class="link-button" onClick={() => remove(entry.label)}>
								{t("cart.removeButton")} <span class="visually-hidden">{entry.line1}</span>
							</button>
						</li>
					))}
				</ul>
			)}
			<ErrorMessage message={error} />
		</section>
	);
}

/** Option ids by name, in every language the menu is offered in, for lines ordered in another language. */
async function optionIdsByName(menu: Menu, slug: string, wanted: readonly string[]): Promise<Map<string, string>> {
	const ids = new Map<string, string>();
	const collect = (read: Menu) => {
		for (const category of read.categories) {
			for (const item of category.items) {
				for (const group of item.modifierGroups) for (const option of group.options) ids.set(option.name, option.id);
			}
		}
	};
	collect(menu);
	if (wanted.every((name) => ids.has(name))) return ids;
	const others = menu.location.languages.filter((language) => language !== menu.language);
	for (const read of await Promise.allSettled(others.map((language) => fetchMenu(slug, language)))) {
		if (read.status === "fulfilled") collect(read.value);
	}
	return ids;
}

/**
 * Puts an earlier order's items back in a cart, matching its options by name
 * on today's menu (in any of its languages: the order may have been placed in another).
 */
async function reorder(order: AccountOrder): Promise<string[]> {
	const menu = await fetchMenu(order.locationSlug);
	await loadCart(order.locationSlug);
	const names = order.lines.flatMap((line) => line.options.map((option) => option.name));
	const optionIds = await optionIdsByName(menu, order.locationSlug, names);
	const items = new Map(menu.categories.flatMap((category) => category.items).map((item) => [item.id, item]));
	const skipped: string[] = [];
	for (const line of order.lines) {
		const item = items.get(line.itemId);
		if (!item || item.soldOut) {
			skipped.push(i18n().t("account.reorder.unavailable", { name: line.name }));
			continue;
		}
		const choices = new Set(item.modifierGroups.flatMap((group) => group.options.map((option) => option.id)));
		const options = line.options
			.map((option) => optionIds.get(option.name))
			.filter((id): id is string => id !== undefined && choices.has(id));
		try {
			await addToCart(order.locationSlug, { itemId: item.id, quantity: line.quantity, options, note: line.note });
		} catch (failure) {
			skipped.push(i18n().t("account.reorder.failed", { name: line.name, reason: errorText(failure) }));
		}
	}
	return skipped;
}

function OrderHistory() {
	const { t } = useI18n();
	const [orders, setOrders] = useState<AccountOrder[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [notes, setNotes] = useState<{ slug: string; skipped: string[] } | null>(null);

	useEffect(() => {
		myAccount()
			.then(({ orders, ...profile }) => {
				// The profile kept since sign-in may be older than this answer (another tab, another device).
				replaceProfile(profile);
				setOrders(orders);
			})
			.catch((failure) => setError(errorText(failure)));
	}, []);

	const again = async (order: AccountOrder) => {
		setError(null);
		try {
			const skipped = await reorder(order);
			if (skipped.length === 0) navigate(`/locations/${order.locationSlug}/checkout`);
			else setNotes({ slug: order.locationSlug, skipped });
		} catch (failure) {
			setError(errorText(failure));
		}
	};

	return (
		<section class="card wide" aria-labelledby="history-heading">
			<h2 id="history-heading">{t("account.orders")}</h2>
			<ErrorMessage message={error} />
			{notes && (
				<div class="notice" role="alert">
					<p>{t("account.reorder.skipped")}</p>
					<ul>
						{notes.skipped.map((note) => (
							<li key={note}>{note}</li>
						))}
					</ul>
					<Link href={`/locations/${notes.slug}/checkout`}>{t("cart.goToCheckout")}</Link>
				</div>
			)}
			{!orders && !error && <Loading what={t("account.orders.loading")} />}
			{orders?.length === 0 && <p class="muted">{t("account.orders.none")}</p>}
			{orders && orders.length > 0 && (
				<table class="table">
					<thead>
						<tr>
							<th scope="col">{t("account.orders.order")}</th>
							<th scope="col">{t("account.orders.placed")}</th>
							<th scope="col">{t("account.orders.status")}</th>
							<th scope="col">{t("totals.total")}</th>
							<th scope="col">
								<span class="visually-hidden">{t("account.orders.actions")}</span>
							</th>
						</tr>
					</thead>
					<tbody>
						{orders.map((order) => (
							<tr key={order.id}>
								<td>
									<Link href={`/orders/${order.id}`}>{shortOrderId(order.id)}</Link>
								</td>
								<td>{formatDateTime(order.placedAt)}</td>
								<td>{statusLabel(order.status.toLowerCase())}</td>
								<td>{formatMoney(order.total)}</td>
								<td>
									<button type="button" onClick={() => again(order)}>
										{t("account.reorder")} <span class="visually-hidden">{shortOrderId(order.id)}</span>
									</button>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}

export function AccountPage() {
	const { profile } = useSession();
	const { t, rich, intl } = useI18n();
	if (!profile) {
		return (
			<section class="narrow">
				<PageHeading title={t("account.title")}>{t("account.title")}</PageHeading>
				<p>
					{rich("account.signedOut", {
						signIn: (chunks) => <Link href="/sign-in?next=/account">{chunks}</Link>,
						register: (chunks) => <Link href="/register">{chunks}</Link>,
					})}
				</p>
			</section>
		);
	}
	if (isStaff(profile.role)) {
		return (
			<section class="narrow">
				<PageHeading title={t("account.title")}>{profile.name}</PageHeading>
				<p>
					{rich("account.staff", {
						role: profile.role,
						locations:
							profile.locations.length > 0 ? intl.formatList(profile.locations) : t("account.staff.everyLocation"),
						board: (chunks) => <Link href="/kitchen">{chunks}</Link>,
					})}
				</p>
			</section>
		);
	}
	return (
		<section>
			<PageHeading title={t("account.title")}>{t("account.hello", { name: profile.name })}</PageHeading>
			{!emailVerified(profile) && (
				<div class="notice verify-notice">
					<p>{t("account.unverified", { email: profile.email })}</p>
					<ResendVerification />
				</div>
			)}
			<div class="account-grid">
				<OrderHistory />
				<ProfileForm profile={profile} />
				<SavedAddresses profile={profile} />
			</div>
		</section>
	);
}
