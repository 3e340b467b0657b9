/**
 * An item's details and its options, in a modal dialog. Each modifier group
 * takes between its min and max choices; the dialog says so and enforces the
 * max as you choose, and the server has the last word.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { NewLine } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type { MenuItem, ModifierGroup } from "../api/types";
import { allergenList, formatDelta, formatMoney, formatWindows } from "../format";
import { i18n, useI18n } from "../i18n";
import { errorText } from "../i18n/errors";
import { ErrorMessage } from "./page";

function requirement(group: ModifierGroup): string {
	const { t } = i18n();
	const { minSelections: min, maxSelections: max } = group;
	if (min === max) return t("item.choose", { min });
	if (min === 0) return max === 1 ? t("item.optional") : t("item.optionalUpTo", { max });
	return t("item.chooseRange", { min, max });
}

/** The widths the edge resizes photos to (`/images/{id}?w=`). */
const PHOTO_WIDTHS = [160, 320, 640] as const;

/**
 * An item's photo, lazily loaded at the width the layout needs; its width and
 * height (and the CSS aspect ratio) hold its box before it arrives, so nothing
 * moves. Without a photo, a plain box of the same size that assistive
 * technology skips.
 */
export function ItemPhoto({ item, sizes, class: className }: { item: MenuItem; sizes: string; class: string }) {
	const { image } = item;
	if (!image) return <div class={`${className} item-photo item-photo-none`} aria-hidden="true" />;
	const src = (width: number) => `/images/${image.id}?w=${width}`;
	return (
		<img
			class={`${className} item-photo`}
			src={src(320)}
			srcset={PHOTO_WIDTHS.map((width) => `${src(width)} ${width}w`).join(", ")}
			sizes={sizes}
			width={image.width}
			height={image.height}
			// The photo's own ratio, for boxes sized by width alone (set on the DOM's style object, which the CSP allows).
			style={{ aspectRatio: `${image.width} / ${image.height}` }}
			loading="lazy"
			decoding="async"
			alt={item.name}
		/>
	);
}

function GroupChoices({
	group,
	chosen,
	error,
	onChange,
}: {
	group: ModifierGroup;
	chosen: string[];
	error?: string;
	onChange: (chosen: string[]) => void;
}) {
	const { t } = useI18n();
	const single = group.maxSelections === 1;
	const full = chosen.length >= group.maxSelections;
	const hintId = `${group.id}-hint`;
	return (
		<fieldset class={`option-group${error ? " field-invalid" : ""}`} aria-describedby={hintId}>
			<legend>
				{group.name}{" "}
				<span class="muted small" id={hintId}>
					{requirement(group)}
				</span>
			</legend>
			{single && group.minSelections === 0 && (
				<label class="check">
					<input type="radio" name={group.id} checked={chosen.length === 0} onChange={() => onChange([])} />
					{t("item.none")}
				</label>
			)}
			{group.options.map((option) => {
				const checked = chosen.includes(option.id);
				return (
					<label key={option.id} class="check">
						<input
							type={single ? "radio" : "checkbox"}
							name={group.id}
							value={option.id}
							checked={checked}
							disabled={!single && !checked && full}
							onChange={(event) => {
								if (single) onChange([option.id]);
								else if (event.currentTarget.checked) onChange([...chosen, option.id]);
								else onChange(chosen.filter((id) => id !== option.id));
							}}
						/>
						<span>{option.name}</span>
						<span class="muted small">{formatDelta(option.priceDelta)}</span>
					</label>
				);
			})}
			{error && <p class="field-error">{error}</p>}
		</fieldset>
	);
}

export interface ItemDialogProps {
	item: MenuItem;
	/** Why it cannot be had now, when it can still be ordered for later. */
	notice?: string;
	onAdd: (line: NewLine) => Promise<void>;
	onClose: () => void;
}

export function ItemDialog({ item, notice, onAdd, onClose }: ItemDialogProps) {
	const { t, language } = useI18n();
	const dialog = useRef<HTMLDialogElement>(null);
	const [chosen, setChosen] = useState<Record<string, string[]>>({});
	const [quantity, setQuantity] = useState(1);
	const [note, setNote] = useState("");
	const [groupErrors, setGroupErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		dialog.current?.showModal();
	}, []);

	const options = item.modifierGroups.flatMap((group) => group.options);
	const unit =
		item.price.amount +
		Object.values(chosen)
			.flat()
			.reduce((sum, id) => sum + (options.find((option) => option.id === id)?.priceDelta.amount ?? 0), 0);
	const total = { amount: unit * quantity, currency: item.price.currency };

	const submit = async (event: Event) => {
		event.preventDefault();
		const missing: Record<string, string> = {};
		for (const group of item.modifierGroups) {
			const count = chosen[group.id]?.length ?? 0;
			if (count < group.minSelections) {
				// "Choose 1 milk.": in English the group's name reads as a noun within the sentence.
				const name = language === "en" ? group.name.toLowerCase() : group.name;
				missing[group.id] = t("item.missingChoice", { requirement: requirement(group), group: name });
			}
		}
		setGroupErrors(missing);
		if (Object.keys(missing).length > 0) {
			setError(t("item.choicesMissing"));
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await onAdd({
				itemId: item.id,
				quantity,
				options: Object.values(chosen).flat(),
				note: note.trim() || undefined,
			});
			dialog.current?.close();
		} catch (failure) {
			setError(errorText(failure));
			if (failure instanceof ApiFailure && Array.isArray(failure.details)) {
				const byGroup: Record<string, string> = {};
				for (const detail of failure.details as { groupId?: string; message: string }[]) {
					// The API's words in English; elsewhere the group's rule in the chosen language.
					const group = item.modifierGroups.find((candidate) => candidate.id === detail.groupId);
					if (group) byGroup[group.id] = language === "en" ? detail.message : requirement(group);
				}
				setGroupErrors(byGroup);
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<dialog ref={dialog} class="item-dialog" aria-labelledby="item-dialog-title" onClose={onClose}>
			<form onSubmit={submit}>
				<div class="dialog-header">
					<h2 id="item-dialog-title">{item.name}</h2>
					<button
						type="button"
						class="icon-button"
						aria-label={t("item.close")}
						onClick={() => dialog.current?.close()}
					>
						×
					</button>
				</div>
				<ItemPhoto item={item} sizes="(min-width: 36rem) 32rem, 100vw" class="item-dialog-photo" />
				<p>{item.description}</p>
				<p class="muted small">
					{formatMoney(item.price)}
					{item.calories !== null && ` · ${t("item.calories", { calories: item.calories })}`}
					{item.allergens.length > 0 && ` · ${t("item.contains", { allergens: allergenList(item.allergens) })}`}
				</p>
				{notice && <p class="notice">{notice}</p>}
				{item.modifierGroups.map((group) => (
					<GroupChoices
						key={group.id}
						group={group}
						chosen={chosen[group.id] ?? []}
						error={groupErrors[group.id]}
						onChange={(next) => setChosen({ ...chosen, [group.id]: next })}
					/>
				))}
				<div class="field">
					<label for="item-note">{t("item.note")}</label>
					<input id="item-note" maxLength={200} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
				</div>
				<div class="dialog-footer">
					<fieldset class="stepper">
						<legend class="visually-hidden">{t("item.quantity")}</legend>
						<button
							type="button"
							aria-label={t("item.oneFewer")}
							disabled={quantity <= 1}
							onClick={() => setQuantity(quantity - 1)}
						>
							−
						</button>
						<output aria-live="polite" aria-label={t("item.quantity")}>
							{quantity}
						</output>
						<button
							type="button"
							aria-label={t("item.oneMore")}
							disabled={quantity >= 50}
							onClick={() => setQuantity(quantity + 1)}
						>
							+
						</button>
					</fieldset>
					<button type="submit" class="primary" disabled={busy}>
						{t("item.addToOrder", { total: formatMoney(total) })}
					</button>
				</div>
				<ErrorMessage message={error} />
			</form>
		</dialog>
	);
}

/** What a customer should know about an item that cannot be had right now. */
export function availabilityNotice(item: MenuItem, categoryWindows: MenuItem["availability"]): string | undefined {
	const { t } = i18n();
	switch (item.unavailableReason) {
		case "sold_out":
			return t("item.notice.soldOut");
		case "outside_hours": {
			const windows = item.availability.length > 0 ? item.availability : categoryWindows;
			return t("item.notice.outsideHours", { windows: formatWindows(windows) });
		}
		case "closed":
			return t("item.notice.closed");
		default:
			return undefined;
	}
}
