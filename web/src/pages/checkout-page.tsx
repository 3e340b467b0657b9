/**
 * Checkout: pickup or delivery, when, contact details, a tip and the payment,
 * with totals priced by the server as they change. Every refusal is shown by
 * the control it concerns. A retry after no answer reuses the attempt's
 * Idempotency-Key; an answered attempt (a declined card, say) is over, so the
 * next one gets a fresh key. The card is taken by the simulator's form or, when
 * Stripe is the provider (GET /payments/config), by Stripe Elements.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { checkout, fetchMenu, fetchPaymentsConfig, fetchSlots, getCart, updateProfile } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type {
	Cart,
	CheckoutInput,
	DeliveryAddress,
	Fulfilment,
	Menu,
	PaymentInput,
	PaymentsConfig,
	SlotList,
} from "../api/types";
import {
	CARD_FIELDS,
	CardFields,
	type CardForm,
	cardProblems,
	EMPTY_CARD,
	paymentMethodOf,
} from "../components/card-fields";
import { CartLines, TotalsTable } from "../components/cart-summary";
import { TextField } from "../components/field";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { type StripeCard, StripeCardField, tokeniseCard } from "../components/stripe-card-field";
import { formatClock, formatDayTime, formatMoney, toMinor } from "../format";
import { type SlotDay, timeSlots } from "../hours";
import { i18n, useI18n } from "../i18n";
import { errorText, fieldErrors as fieldErrorsOf, pausedText } from "../i18n/errors";
import { goTo, Link, navigate } from "../router";
import { announce } from "../state/announcer";
import { forgetCart, loadCart, useCart } from "../state/cart";
import { replaceProfile, useSession } from "../state/session";
import { newIdempotencyKey, rememberAwaitingAuthentication, rememberTrackingToken } from "../state/tracking";

type TipChoice = "0" | "10" | "15" | "custom";
type PayBy = PaymentInput["method"];

interface Priced {
	cart: Cart;
	/** What it was priced for: the cart as it was, the fulfilment, the tip. */
	of: Cart;
	fulfilment: Fulfilment;
	tip: number;
}

interface AddressForm {
	line1: string;
	line2: string;
	city: string;
	postcode: string;
	latitude?: number;
	longitude?: number;
}

/** Tries at pricing the order (1 s, then 2 s apart) before its failure is shown. */
const PRICING_ATTEMPTS = 3;

const EMPTY_ADDRESS: AddressForm = { line1: "", line2: "", city: "", postcode: "" };

/** Tip in minor units: a share of the subtotal, or an amount typed in the currency's major units. */
function tipMinor(choice: TipChoice, custom: string, cart: Cart | null): number {
	if (!cart) return 0;
	if (choice === "custom") {
		const major = Number.parseFloat(custom.replace(",", "."));
		return Number.isFinite(major) && major > 0 ? toMinor(major, cart.currency) : 0;
	}
	return Math.round((cart.totals.subtotal.amount * Number(choice)) / 100);
}

interface SlotChoice {
	value: string;
	label: string;
	/** Why it cannot be chosen (full, or too little room for this order), or null. */
	refused: string | null;
}

/**
 * The day's times to choose from: the server's slots with their room when it
 * has answered for this day, else the opening-hours slots worked out here
 * (the checkout still refuses a full one with slot_full).
 */
function slotChoices(day: SlotDay | undefined, list: SlotList | null, units: number): SlotChoice[] {
	if (!day) return [];
	if (list?.date !== day.date) return day.slots.map((slot) => ({ ...slot, refused: null }));
	const { t } = i18n();
	return list.slots.map((slot) => {
		const { orders, units: left } = slot.remaining;
		const refused = slot.full
			? t("checkout.slot.full")
			: orders !== null && orders < 1
				? t("checkout.slot.full")
				: left !== null && left < units
					? t("checkout.slot.room", { left })
					: null;
		return { value: slot.start, label: formatClock(slot.start, list.timeZone), refused };
	});
}

/** "Ready in about 12 min" from the kitchen's prediction, or null without one. */
export function readyInText(predictedReadyAt: string | null | undefined, now = Date.now()): string | null {
	if (!predictedReadyAt) return null;
	const minutes = Math.max(1, Math.round((Date.parse(predictedReadyAt) - now) / 60_000));
	return i18n().t("checkout.readyIn", { minutes });
}

/** "London" in English ("Time (London time)"); the zone's own name elsewhere: 「日本標準時」. */
function zoneName(timeZone: string): string {
	const { language, intl } = i18n();
	const city = timeZone.split("/").pop()?.replace("_", " ") ?? timeZone;
	if (language === "en") return city;
	const parts = intl.formatDateToParts(new Date(), { timeZone, timeZoneName: "long" });
	return parts.find((part) => part.type === "timeZoneName")?.value ?? city;
}

function locate(): Promise<{ latitude: number; longitude: number }> {
	return new Promise((resolve, reject) =>
		navigator.geolocation.getCurrentPosition(
			({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude }),
			() => reject(new Error(i18n().t("checkout.address.notShared"))),
			{ timeout: 10_000 },
		),
	);
}

function AddressFields({
	address,
	onChange,
	errors,
}: {
	address: AddressForm;
	onChange: (address: AddressForm) => void;
	errors: Record<string, string>;
}) {
	const { profile } = useSession();
	const { t } = useI18n();
	const [locating, setLocating] = useState(false);
	const [locateError, setLocateError] = useState<string | null>(null);
	const pinned = address.latitude !== undefined && address.longitude !== undefined;
	const pin = async () => {
		setLocating(true);
		setLocateError(null);
		try {
			onChange({ ...address, ...(await locate()) });
		} catch (failure) {
			setLocateError(errorText(failure));
		} finally {
			setLocating(false);
		}
	};
	const set = (field: keyof AddressForm) => (value: string) => onChange({ ...address, [field]: value });
	const saved = profile?.addresses ?? [];
	const addressError = errors.deliveryAddress;
	return (
		<fieldset
			id="deliveryAddress"
			class={addressError ? "field-invalid" : undefined}
			aria-describedby={addressError ? "deliveryAddress-error" : undefined}
		>
			<legend>{t("checkout.address.legend")}</legend>
			{saved.length > 0 && (
				<div class="field">
					<label for="saved-address">{t("checkout.address.saved")}</label>
					<select
						id="saved-address"
						onChange={(event) => {
							const chosen = saved[Number(event.currentTarget.value)];
							if (chosen) onChange({ ...chosen, line2: chosen.line2 ?? "" });
						}}
					>
						<option value="">{t("checkout.address.choose")}</option>
						{saved.map((entry, index) => (
							<option key={entry.label} value={index}>
								{entry.label}: {entry.line1}, {entry.postcode}
							</option>
						))}
					</select>
				</div>
			)}
			<TextField
				id="deliveryAddress-line1"
				label={t("checkout.address.line1")}
				autoComplete="address-line1"
				required
				value={address.line1}
				onValue={set("line1")}
				error={errors["deliveryAddress.line1"]}
			/>
			<TextField
				id="deliveryAddress-line2"
				label={t("checkout.address.line2")}
				autoComplete="address-line2"
				value={address.line2}
				onValue={set("line2")}
			/>
			<div class="field-row">
				<TextField
					id="deliveryAddress-city"
					label={t("checkout.address.city")}
					autoComplete="address-level2"
					required
					value={address.city}
					onValue={set("city")}
					error={errors["deliveryAddress.city"]}
				/>
				<TextField
					id="deliveryAddress-postcode"
					label={t("checkout.address.postcode")}
					autoComplete="postal-code"
					required
					value={address.postcode}
					onValue={set("postcode")}
					error={errors["deliveryAddress.postcode"]}
				/>
			</div>
			<div class="pin">
				<button type="button" onClick={pin} disabled={locating}>
					{locating ? t("checkout.address.finding") : t("checkout.address.useLocation")}
				</button>
				<p class="muted small" role="status">
					{pinned
						? t("checkout.address.pinned", {
								latitude: address.latitude?.toFixed(4) ?? "",
								longitude: address.longitude?.toFixed(4) ?? "",
							})
						: t("checkout.address.needLocation")}
				</p>
			</div>
			<ErrorMessage message={locateError} />
			{addressError && (
				<p class="field-error" id="deliveryAddress-error">
					{addressError}
				</p>
			)}
		</fieldset>
	);
}

export function CheckoutPage({ slug }: { slug: string }) {
	const { profile } = useSession();
	const { t, language } = useI18n();
	const cart = useCart();
	const [menu, setMenu] = useState<Menu | null>(null);
	/** The cart priced by the server for the lines, fulfilment and tip it was asked about. */
	const [priced, setPriced] = useState<Priced | null>(null);
	const [loadError, setLoadError] = useState<string | null>(null);
	const [fulfilment, setFulfilment] = useState<Fulfilment>("pickup");
	const [address, setAddress] = useState<AddressForm>(EMPTY_ADDRESS);
	const [saveAddress, setSaveAddress] = useState(false);
	const [when, setWhen] = useState<"asap" | "later">("asap");
	const [day, setDay] = useState<string>("");
	const [slot, setSlot] = useState<string>("");
	/** The server's slots of the chosen day, with their room; null until it answers. */
	const [slotList, setSlotList] = useState<SlotList | null>(null);
	/** What a checkout refused as full offered instead (ISO starts). */
	const [freeSlots, setFreeSlots] = useState<string[]>([]);
	/** Bumped to read the day's slots again (after a slot_full refusal). */
	const [slotsAsked, setSlotsAsked] = useState(0);
	const [contact, setContact] = useState({
		name: profile?.name ?? "",
		email: profile?.email ?? "",
		phone: profile?.phone ?? "",
	});
	const [tip, setTip] = useState<TipChoice>("0");
	const [customTip, setCustomTip] = useState("");
	const [payBy, setPayBy] = useState<PayBy>("card");
	const [card, setCard] = useState<CardForm>(EMPTY_CARD);
	const [paymentsConfig, setPaymentsConfig] = useState<PaymentsConfig | null>(null);
	const [stripeCard, setStripeCard] = useState<StripeCard | null>(null);
	/** Stripe's PaymentMethod for the card as typed: reused by a retry after no answer, so its body and key stay the same. */
	const stripePaymentMethod = useRef<string | null>(null);
	const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
	const [lineProblems, setLineProblems] = useState<Record<string, string>>({});
	const [error, setError] = useState<string | null>(null);
	const [placing, setPlacing] = useState(false);
	const attempt = useRef<{ body: string; key: string } | null>(null);

	useEffect(() => {
		loadCart(slug).catch((failure) => setLoadError(errorText(failure)));
		fetchPaymentsConfig()
			.then(setPaymentsConfig)
			.catch((failure) => setLoadError(errorText(failure)));
	}, [slug]);

	// The menu in the chosen language, read again when it changes (the cart's lines take its names).
	const readMenu = useRef(0);
	useEffect(() => {
		const first = readMenu.current++ === 0;
		fetchMenu(slug)
			.then((loaded) => {
				setMenu(loaded);
				if (first && !loaded.openNow) setWhen("later");
			})
			.catch((failure) => setLoadError(errorText(failure)));
	}, [slug, language]);

	const days = useMemo(() => (menu ? timeSlots(menu.location) : []), [menu, language]);
	const slotsOfDay = days.find((entry) => entry.date === day) ?? days[0];
	const choices = slotChoices(slotsOfDay, slotList, cart?.itemCount ?? 1);
	const open = choices.filter((entry) => entry.refused === null);
	const chosenSlot = open.some((entry) => entry.value === slot) ? slot : open[0]?.value;
	const slotDate = when === "later" ? slotsOfDay?.date : undefined;

	// The chosen day's room per slot; a failed read leaves the times worked out here.
	useEffect(() => {
		if (!slotDate) return;
		let current = true;
		fetchSlots(slug, slotDate)
			.then((list) => current && setSlotList(list))
			.catch(() => current && setSlotList(null));
		return () => {
			current = false;
		};
	}, [slug, slotDate, slotsAsked]);
	const tipAmount = tipMinor(tip, customTip, cart);

	// Totals depend on the fulfilment (delivery fee) and the tip, so the server prices them again. A failed
	// pricing is tried again a few times before it is shown: until one answers, the order cannot be placed.
	useEffect(() => {
		if (!cart || cart.lines.length === 0) return;
		let timer: ReturnType<typeof setTimeout>;
		let stopped = false;
		const price = (attempt: number) => {
			getCart(cart.id, fulfilment, tipAmount)
				.then((answer) => setPriced({ cart: answer, of: cart, fulfilment, tip: tipAmount }))
				.catch((failure) => {
					if (stopped) return;
					if (attempt < PRICING_ATTEMPTS) timer = setTimeout(() => price(attempt + 1), 1000 * attempt);
					else setError(errorText(failure));
				});
		};
		timer = setTimeout(() => price(1), 150);
		return () => {
			stopped = true;
			clearTimeout(timer);
		};
	}, [cart, fulfilment, tipAmount]);

	if (loadError) {
		return (
			<section class="narrow">
				<PageHeading title={t("checkout.title")}>{t("checkout.title")}</PageHeading>
				<ErrorMessage message={loadError} />
			</section>
		);
	}
	if (!menu || !paymentsConfig) return <Loading what={t("checkout.loading")} />;
	if (!cart || cart.lines.length === 0) {
		return (
			<section class="narrow">
				<PageHeading title={t("checkout.title")}>{t("checkout.title")}</PageHeading>
				<p>
					{t("checkout.empty")} <Link href={`/locations/${slug}`}>{t("checkout.backToMenu")}</Link>
				</p>
			</section>
		);
	}

	const delivery = menu.location.fulfilment.delivery;
	const ordering = menu.location.ordering;
	// The server's total for exactly what is on screen, or null while it is being priced again.
	const current =
		priced && priced.of === cart && priced.fulfilment === fulfilment && priced.tip === tipAmount ? priced.cart : null;
	const totals = current?.totals ?? priced?.cart.totals ?? cart.totals;
	// A location may let pickup orders be paid at the counter; delivery is always paid by card.
	const payAtPickup = menu.location.payAtPickup && fulfilment === "pickup";
	const paying: PayBy = payAtPickup ? payBy : "card";

	/** The simulator's token for the typed card, or null with its problems shown by their fields. */
	const simulatorToken = (): string | null => {
		const problems = cardProblems(card);
		if (Object.keys(problems).length === 0) return paymentMethodOf(card);
		setFieldErrors(problems);
		setError(t("checkout.checkCard"));
		return null;
	};

	/** Stripe's PaymentMethod id for the card in the Element, or null with Stripe's message by the field. */
	const stripeToken = async (): Promise<string | null> => {
		if (stripePaymentMethod.current) return stripePaymentMethod.current;
		if (!stripeCard) {
			setError(t("checkout.cardNotReady"));
			return null;
		}
		setPlacing(true);
		const outcome = await tokeniseCard(stripeCard).catch(() => ({
			problem: t("checkout.cardUnchecked"),
		}));
		setPlacing(false);
		if ("problem" in outcome) {
			setFieldErrors({ [CARD_FIELDS.number]: outcome.problem });
			setError(t("checkout.checkCard"));
			return null;
		}
		stripePaymentMethod.current = outcome.paymentMethod;
		return outcome.paymentMethod;
	};

	const place = async (event: Event) => {
		event.preventDefault();
		setError(null);
		setFieldErrors({});
		setLineProblems({});
		setFreeSlots([]);
		if (!current) return;
		let deliveryAddress: DeliveryAddress | undefined;
		if (fulfilment === "delivery") {
			if (address.latitude === undefined || address.longitude === undefined) {
				setFieldErrors({ deliveryAddress: t("checkout.address.required") });
				setError(t("checkout.address.where"));
				return;
			}
			deliveryAddress = {
				line1: address.line1.trim(),
				line2: address.line2.trim() || null,
				city: address.city.trim(),
				postcode: address.postcode.trim(),
				latitude: address.latitude,
				longitude: address.longitude,
			};
		}
		let payment: PaymentInput = { method: "pay_at_pickup" };
		if (paying === "card") {
			const paymentMethod = paymentsConfig.provider === "stripe" ? await stripeToken() : simulatorToken();
			if (!paymentMethod) return;
			// The amount is the total on screen: should the order's total differ, the API refuses rather than charge it.
			payment = { method: "card", paymentMethod, amount: current.totals.total };
		}
		const input: CheckoutInput = {
			fulfilment,
			contact: { name: contact.name.trim(), email: contact.email.trim(), phone: contact.phone.trim() },
			requestedTime: when === "asap" ? "asap" : (chosenSlot ?? ""),
			tip: { amount: tipAmount, currency: cart.currency },
			...(deliveryAddress ? { deliveryAddress } : {}),
			payment,
		};
		const body = JSON.stringify(input);
		if (attempt.current?.body !== body) attempt.current = { body, key: newIdempotencyKey() };
		setPlacing(true);
		try {
			const placed = await checkout(cart.id, input, attempt.current.key);
			rememberTrackingToken(placed.orderId, placed.trackingToken);
			if (saveAddress && profile && deliveryAddress) {
				const label = `${deliveryAddress.line1}`.slice(0, 40);
				updateProfile({ addresses: [...profile.addresses, { ...deliveryAddress, label }] })
					.then(replaceProfile)
					.catch(() => undefined);
			}
			const { nextAction } = placed.payment;
			if (nextAction) {
				// The order waits on the bank's second step; should it fail, this cart opens again for another card.
				rememberAwaitingAuthentication(placed.orderId);
				goTo(nextAction.url);
				return;
			}
			forgetCart(slug);
			// The order page shows when it will be ready; say how soon as the page changes.
			const readyIn = readyInText(placed.predictedReadyAt);
			announce(readyIn ? t("checkout.placedReadyIn", { readyIn }) : t("checkout.placed"));
			navigate(`/orders/${placed.orderId}`);
		} catch (failure) {
			setError(errorText(failure));
			if (failure instanceof ApiFailure) {
				// Answered, not lost: the next attempt (another card, a corrected field) is a new one, with a new PaymentMethod.
				if (failure.status >= 400 && failure.status < 500) {
					attempt.current = null;
					stripePaymentMethod.current = null;
				}
				setFieldErrors(fieldErrorsOf(failure));
				const problems: Record<string, string> = {};
				for (const lineId of failure.lineIds) problems[lineId] = errorText(failure);
				setLineProblems(problems);
				if (failure.code === "slot_full") {
					setFreeSlots(failure.freeSlots);
					setFieldErrors({
						requestedTime:
							failure.freeSlots.length > 0 ? t("checkout.slot.filledChoose") : t("checkout.slot.filledNone"),
					});
					setSlotsAsked((asked) => asked + 1);
				}
				// The cart now holds the new prices; show them.
				if (failure.code === "prices_changed" || failure.code === "payment_amount_mismatch") {
					loadCart(slug).catch(() => undefined);
				}
				// Paused since the page was read: read the menu again, so the page says so and stops offering to order.
				if (failure.code === "location_paused") {
					fetchMenu(slug)
						.then(setMenu)
						.catch(() => undefined);
				}
			}
		} finally {
			setPlacing(false);
		}
	};

	const contactField = (
		field: "name" | "email" | "phone",
		label: string,
		type: "text" | "email" | "tel",
		autoComplete: string,
	) => (
		<TextField
			id={`contact-${field}`}
			label={label}
			type={type}
			autoComplete={autoComplete}
			required
			value={contact[field]}
			onValue={(value) => setContact({ ...contact, [field]: value })}
			error={fieldErrors[`contact.${field}`]}
		/>
	);

	return (
		<div class="checkout">
			<form class="checkout-form" onSubmit={place} noValidate aria-labelledby="checkout-title">
				<PageHeading title={t("checkout.title")}>
					<span id="checkout-title">{t("checkout.heading", { location: menu.location.name })}</span>
				</PageHeading>
				<ErrorMessage message={error} id="checkout-error" takeFocus />
				{ordering.paused && !error && (
					<p class="notice ordering-paused-notice" role="status">
						{pausedText(ordering.reason)}
					</p>
				)}

				<fieldset id="fulfilment">
					<legend>{t("checkout.fulfilment")}</legend>
					<label class="check">
						<input
							type="radio"
							name="fulfilment"
							checked={fulfilment === "pickup"}
							disabled={!menu.location.fulfilment.pickup}
							onChange={() => setFulfilment("pickup")}
						/>
						{t("checkout.pickupFrom", { address: menu.location.address.line })}
					</label>
					<label class="check">
						<input
							type="radio"
							name="fulfilment"
							checked={fulfilment === "delivery"}
							disabled={!delivery}
							onChange={() => setFulfilment("delivery")}
						/>
						{delivery
							? t("checkout.deliveryWithin", {
									radius: i18n().intl.formatNumber(delivery.radiusMeters / 1000, {
										minimumFractionDigits: 1,
										maximumFractionDigits: 1,
									}),
									fee: formatMoney(delivery.fee),
								})
							: t("checkout.deliveryNotOffered")}
					</label>
				</fieldset>

				{fulfilment === "delivery" && (
					<>
						<AddressFields address={address} onChange={setAddress} errors={fieldErrors} />
						{/* Saved addresses wait for a verified e-mail address: the API refuses them before. */}
						{profile?.role === "customer" &&
							(profile.emailVerified ? (
								<label class="check">
									<input
										type="checkbox"
										checked={saveAddress}
										onChange={(event) => setSaveAddress(event.currentTarget.checked)}
									/>
									{t("checkout.saveAddress")}
								</label>
							) : (
								<p class="hint">{t("checkout.saveAddressAfterVerifying")}</p>
							))}
					</>
				)}

				<fieldset
					id="requestedTime"
					class={fieldErrors.requestedTime ? "field-invalid" : undefined}
					aria-describedby={fieldErrors.requestedTime ? "requestedTime-error" : undefined}
				>
					<legend>{t("checkout.when")}</legend>
					<label class="check">
						<input
							type="radio"
							name="when"
							checked={when === "asap"}
							disabled={!menu.openNow}
							onChange={() => setWhen("asap")}
						/>
						{menu.openNow ? t("checkout.asap") : t("checkout.asapClosed")}
					</label>
					<label class="check">
						<input type="radio" name="when" checked={when === "later"} onChange={() => setWhen("later")} />
						{t("checkout.atTime")}
					</label>
					{when === "later" && (
						<div class="field-row">
							<div class="field">
								<label for="slot-day">{t("checkout.day")}</label>
								<select
									id="slot-day"
									value={slotsOfDay?.date}
									onChange={(event) => {
										setDay(event.currentTarget.value);
										setSlot("");
									}}
								>
									{days.map((entry) => (
										<option key={entry.date} value={entry.date}>
											{entry.label}
										</option>
									))}
								</select>
							</div>
							<div class="field">
								<label for="slot-time">{t("checkout.time", { zone: zoneName(menu.location.timeZone) })}</label>
								<select id="slot-time" value={chosenSlot} onChange={(event) => setSlot(event.currentTarget.value)}>
									{choices.map((entry) => (
										<option key={entry.value} value={entry.value} disabled={entry.refused !== null}>
											{entry.refused ? `${entry.label} · ${entry.refused}` : entry.label}
										</option>
									))}
								</select>
								{choices.length > 0 && open.length === 0 && <p class="muted small">{t("checkout.slot.dayFull")}</p>}
							</div>
						</div>
					)}
					{fieldErrors.requestedTime && (
						<p class="field-error" id="requestedTime-error">
							{fieldErrors.requestedTime}
						</p>
					)}
					{freeSlots.length > 0 && (
						<fieldset class="free-slots">
							<legend>{t("checkout.slot.withRoom")}</legend>
							{freeSlots.map((start) => (
								<button
									key={start}
									type="button"
									onClick={() => {
										setWhen("later");
										setDay(days.find((entry) => entry.slots.some((s) => s.value === start))?.date ?? day);
										setSlot(start);
										setFreeSlots([]);
										setFieldErrors({});
										setError(null);
									}}
								>
									{formatDayTime(start, menu.location.timeZone)}
								</button>
							))}
						</fieldset>
					)}
				</fieldset>

				<fieldset>
					<legend>{t("checkout.contact")}</legend>
					{contactField("name", t("field.name"), "text", "name")}
					{contactField("email", t("field.email"), "email", "email")}
					{contactField("phone", t("field.phone"), "tel", "tel")}
				</fieldset>

				<fieldset id="tip">
					<legend>{t("checkout.tip")}</legend>
					<div class="segmented">
						{(
							[
								["0", t("checkout.tip.none")],
								["10", i18n().intl.formatNumber(0.1, { style: "percent" })],
								["15", i18n().intl.formatNumber(0.15, { style: "percent" })],
								["custom", t("checkout.tip.other")],
							] as const
						).map(([value, label]) => (
							<label key={value} class="check">
								<input type="radio" name="tip" checked={tip === value} onChange={() => setTip(value)} />
								{label}
							</label>
						))}
					</div>
					{tip === "custom" && (
						<TextField
							id="tip-amount"
							label={t("checkout.tip.amount", { currency: cart.currency })}
							inputMode="decimal"
							value={customTip}
							onValue={setCustomTip}
							error={fieldErrors["tip.amount"] ?? fieldErrors.tip}
						/>
					)}
				</fieldset>

				<fieldset id="payment">
					<legend>{t("checkout.payment")}</legend>
					{payAtPickup && (
						<div class="segmented">
							<label class="check">
								<input type="radio" name="pay-by" checked={paying === "card"} onChange={() => setPayBy("card")} />
								{t("checkout.payment.card")}
							</label>
							<label class="check">
								<input
									type="radio"
									name="pay-by"
									checked={paying === "pay_at_pickup"}
									onChange={() => setPayBy("pay_at_pickup")}
								/>
								{t("checkout.payment.atCounter")}
							</label>
						</div>
					)}
					{paying === "card" ? (
						<>
							{paymentsConfig.provider === "stripe" ? (
								<StripeCardField
									publishableKey={paymentsConfig.publishableKey}
									onCard={setStripeCard}
									onEdit={() => {
										stripePaymentMethod.current = null;
									}}
									errors={fieldErrors}
								/>
							) : (
								<CardFields card={card} onChange={setCard} errors={fieldErrors} />
							)}
							<p class="muted small">{t("checkout.payment.cardNote")}</p>
						</>
					) : (
						<p class="muted small">{t("checkout.payment.counterNote", { total: formatMoney(totals.total) })}</p>
					)}
				</fieldset>

				<button type="submit" class="primary large" disabled={placing || !current || ordering.paused}>
					{placing
						? t("checkout.placing")
						: current
							? t("checkout.place", { total: formatMoney(totals.total) })
							: t("checkout.updatingTotal")}
				</button>
			</form>

			<aside class="cart-panel" aria-labelledby="summary-heading">
				<h2 id="summary-heading">{t("cart.title")}</h2>
				<CartLines cart={cart} menu={menu} problems={lineProblems} />
				<TotalsTable totals={totals} fulfilment={fulfilment} />
				<Link href={`/locations/${slug}`}>{t("checkout.addMore")}</Link>
			</aside>
		</div>
	);
}
