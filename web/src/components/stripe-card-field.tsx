/**
 * The card form when Stripe takes payments: one Stripe Elements card field.
 * The number, expiry and code are typed into Stripe's own frame and never
 * reach this page; `stripe.createPaymentMethod` turns them into a
 * PaymentMethod id, which is what checkout sends as `payment.paymentMethod`.
 *
 * Stripe.js is loaded from js.stripe.com when this field first mounts (the
 * `pure` entry of @stripe/stripe-js injects nothing on import), so pages that
 * take no card, and every page under the simulator, never fetch it.
 */
import type { Stripe, StripeCardElement } from "@stripe/stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";
import { useEffect, useRef, useState } from "preact/hooks";
import { i18n, useI18n } from "../i18n";
import { CARD_FIELDS } from "./card-fields";

/** A mounted card field, ready to be tokenised. */
export interface StripeCard {
	stripe: Stripe;
	element: StripeCardElement;
}

const stripes = new Map<string, Promise<Stripe | null>>();

/** One Stripe instance per key for the page's life, as Stripe asks; a failed load is tried again next time. */
function stripeFor(publishableKey: string): Promise<Stripe | null> {
	let loading = stripes.get(publishableKey);
	if (!loading) {
		loading = loadStripe(publishableKey).catch((failure: unknown) => {
			stripes.delete(publishableKey);
			throw failure;
		});
		stripes.set(publishableKey, loading);
	}
	return loading;
}

/** The PaymentMethod id for the card as typed, or Stripe's message for what is wrong with it. */
export async function tokeniseCard(card: StripeCard): Promise<{ paymentMethod: string } | { problem: string }> {
	const { paymentMethod, error } = await card.stripe.createPaymentMethod({ type: "card", card: card.element });
	if (paymentMethod) return { paymentMethod: paymentMethod.id };
	// Stripe's message is in the language Stripe.js was loaded in (the browser's); ours in the app's.
	return { problem: error?.message ?? i18n().t("card.unreadable") };
}

export function StripeCardField({
	publishableKey,
	onCard,
	onEdit,
	errors,
}: {
	publishableKey: string | null;
	/** The mounted field, or null while it loads or after it is gone. */
	onCard: (card: StripeCard | null) => void;
	/** The customer changed the card: a PaymentMethod made before no longer names it. */
	onEdit: () => void;
	errors: Record<string, string>;
}) {
	const { t } = useI18n();
	const container = useRef<HTMLDivElement>(null);
	const [ownError, setOwnError] = useState<string | null>(null);
	const [loadError, setLoadError] = useState<string | null>(null);
	// The latest callbacks, so the mount effect runs once per key and not on every render.
	const callbacks = useRef({ onCard, onEdit });
	callbacks.current = { onCard, onEdit };

	useEffect(() => {
		if (!publishableKey) {
			setLoadError(i18n().t("card.unavailable"));
			return;
		}
		let element: StripeCardElement | null = null;
		let gone = false;
		stripeFor(publishableKey)
			.then((stripe) => {
				if (gone || !container.current) return;
				if (!stripe) throw new Error("Stripe.js did not load");
				const mounted = stripe
					.elements({ locale: i18n().language })
					.create("card", { style: { base: { fontSize: "16px" } } });
				mounted.on("change", (event) => {
					// Stripe's own words for what is wrong as the customer types ("Your card number is incomplete.").
					setOwnError(event.error?.message ?? null);
					callbacks.current.onEdit();
				});
				mounted.mount(container.current);
				element = mounted;
				callbacks.current.onCard({ stripe, element: mounted });
			})
			.catch(() => {
				if (!gone) setLoadError(i18n().t("card.didNotLoad"));
			});
		return () => {
			gone = true;
			callbacks.current.onCard(null);
			element?.destroy();
		};
	}, [publishableKey]);

	// Stripe's message while typing; otherwise the API's or the tokeniser's, for `payment.paymentMethod`.
	const error = loadError ?? ownError ?? errors[CARD_FIELDS.number];
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			{/* Stripe focuses its field when the label for its container is clicked. */}
			<label for="card-element">{t("card.label")}</label>
			<div
				id="card-element"
				ref={container}
				// Set through the DOM's style object, which the page's CSP (style-src 'self') allows.
				style={{
					minHeight: "44px",
					padding: "0.75rem",
					border: error ? "2px solid var(--danger)" : "1px solid #767c78",
					borderRadius: "8px",
					background: "var(--paper)",
				}}
			/>
			<p class="field-error" id="card-element-error" role="alert">
				{error ?? ""}
			</p>
		</div>
	);
}
