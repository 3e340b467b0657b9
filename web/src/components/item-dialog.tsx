/**
 * An item's details and its options, in a modal dialog. Each modifier group
 * takes between its min and max choices; the dialog says so and enforces the
 * max as you choose, and the server has the last word.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { NewLine } from "../api/endpoints";
import { ApiFailure, messageOf } from "../api/http";
import type { MenuItem, ModifierGroup } from "../api/types";
import { formatDelta, formatMoney, formatWindows, tagLabel } from "../format";
import { ErrorMessage } from "./page";

function requirement(group: ModifierGroup): string {
	const { minSelections: min, maxSelections: max } = group;
	if (min === max) return `Choose ${min}`;
	if (min === 0) return max === 1 ? "Optional" : `Optional, up to ${max}`;
	return `Choose ${min} to ${max}`;
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
					None
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
			if (count < group.minSelections) missing[group.id] = `${requirement(group)} ${group.name.toLowerCase()}.`;
		}
		setGroupErrors(missing);
		if (Object.keys(missing).length > 0) {
			setError("Some choices are missing.");
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
			setError(messageOf(failure));
			if (failure instanceof ApiFailure && Array.isArray(failure.details)) {
				const byGroup: Record<string, string> = {};
				for (const detail of failure.details as { groupId?: string; message: string }[]) {
					if (detail.groupId) byGroup[detail.groupId] = detail.message;
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
					<button type="button" class="icon-button" aria-label="Close" onClick={() => dialog.current?.close()}>
						×
					</button>
				</div>
				<p>{item.description}</p>
				<p class="muted small">
					{formatMoney(item.price)}
					{item.calories !== null && ` · ${item.calories} kcal`}
					{item.allergens.length > 0 && ` · Contains ${item.allergens.map(tagLabel).join(", ").toLowerCase()}`}
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
					<label for="item-note">Note for the kitchen (optional)</label>
					<input id="item-note" maxLength={200} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
				</div>
				<div class="dialog-footer">
					<fieldset class="stepper">
						<legend class="visually-hidden">Quantity</legend>
						<button
							type="button"
							aria-label="One fewer"
							disabled={quantity <= 1}
							onClick={() => setQuantity(quantity - 1)}
						>
							−
						</button>
						<output aria-live="polite" aria-label="Quantity">
							{quantity}
						</output>
						<button
							type="button"
							aria-label="One more"
							disabled={quantity >= 50}
							onClick={() => setQuantity(quantity + 1)}
						>
							+
						</button>
					</fieldset>
					<button type="submit" class="primary" disabled={busy}>
						Add to order · {formatMoney(total)}
					</button>
				</div>
				<ErrorMessage message={error} />
			</form>
		</dialog>
	);
}

/** What a customer should know about an item that cannot be had right now. */
export function availabilityNotice(item: MenuItem, categoryWindows: MenuItem["availability"]): string | undefined {
	switch (item.unavailableReason) {
		case "sold_out":
			return "Sold out for now.";
		case "outside_hours": {
			const windows = item.availability.length > 0 ? item.availability : categoryWindows;
			return `Served ${formatWindows(windows)}: order it for a time in that window.`;
		}
		case "closed":
			return "We are closed now: you can order it for later.";
		default:
			return undefined;
	}
}
