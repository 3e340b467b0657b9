/**
 * Controls only the staff menu editor uses: a refusal with its field details,
 * availability windows in the location's local time, and an item's modifier
 * groups with their options. Every control is labelled; each shows the API's
 * message for its field path (`availability.0.until`,
 * `modifierGroups.1.options.0.name`) next to it.
 */
import { useEffect, useRef } from "preact/hooks";
import { WEEKDAYS, type Weekday } from "../../../workers/api/src/menu/domain/availability";
import type { FieldIssue } from "../api/http";
import type { Allergen } from "../api/types";
import { CheckboxGroup, TextField } from "./field";

let nextKey = 0;
/** A stable key for a row the user adds, so inputs keep focus and state as rows come and go. */
export function rowKey(): string {
	nextKey += 1;
	return `row-${nextKey}`;
}

/** "modifierGroups.0.options.1.name" → "option group 1, option 2: name". */
export function fieldLabel(path: string): string {
	const parts = path.split(".");
	const words: string[] = [];
	for (let index = 0; index < parts.length; index++) {
		const part = parts[index];
		const next = parts[index + 1];
		const names: Record<string, string> = {
			modifierGroups: "option group",
			options: "option",
			availability: "window",
		};
		if (names[part] && next !== undefined && /^\d+$/.test(next)) {
			words.push(`${names[part]} ${Number(next) + 1}`);
			index++;
		} else {
			words.push(part);
		}
	}
	return words.join(", ");
}

/**
 * An API refusal next to its form: the envelope's message and each detail by
 * field. It takes focus when it appears, so whoever pressed Save hears it.
 */
export function Refusal({ message, details }: { message: string | null; details: FieldIssue[] }) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		if (message) box.current?.focus();
	}, [message]);
	if (!message) return null;
	return (
		<div class="error refusal" role="alert" tabIndex={-1} ref={box}>
			<p>{message}</p>
			{details.length > 0 && (
				<ul>
					{details.map((issue) => (
						<li key={`${issue.field}:${issue.message}`}>
							<span class="refusal-field">{fieldLabel(issue.field)}</span>: {issue.message}
						</li>
					))}
				</ul>
			)}
		</div>
	);
}

function TimeField({
	id,
	label,
	value,
	onValue,
	error,
}: {
	id: string;
	label: string;
	value: string;
	onValue: (value: string) => void;
	error?: string;
}) {
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			<label for={id}>{label}</label>
			<input
				id={id}
				type="time"
				step={60}
				value={value}
				onInput={(event) => onValue(event.currentTarget.value)}
				aria-invalid={error ? true : undefined}
				aria-describedby={error ? `${id}-error` : undefined}
			/>
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}

export interface WindowDraft {
	key: string;
	from: string;
	until: string;
	days: Weekday[];
}

const DAY_NAMES: Record<Weekday, string> = {
	mon: "Monday",
	tue: "Tuesday",
	wed: "Wednesday",
	thu: "Thursday",
	fri: "Friday",
	sat: "Saturday",
	sun: "Sunday",
};

/** Availability windows, e.g. breakfast 07:00 until 11:00; none means whenever the location is open. */
export function AvailabilityEditor({
	idPrefix,
	timeZone,
	windows,
	onChange,
	errors,
}: {
	idPrefix: string;
	timeZone: string;
	windows: WindowDraft[];
	onChange: (windows: WindowDraft[]) => void;
	errors: Record<string, string>;
}) {
	const change = (index: number, patch: Partial<WindowDraft>) =>
		onChange(windows.map((window, at) => (at === index ? { ...window, ...patch } : window)));
	return (
		<fieldset class="editor-group">
			<legend>Available</legend>
			<p class="hint">
				In the location's local time ({timeZone}). With no window the category is available whenever the location is
				open; a window whose end is before its start runs past midnight.
			</p>
			{windows.map((window, index) => {
				const n = index + 1;
				const id = `${idPrefix}-window-${window.key}`;
				const at = `availability.${index}`;
				return (
					<fieldset key={window.key} class="editor-group nested">
						<legend>Window {n}</legend>
						<div class="editor-row">
							<TimeField
								id={`${id}-from`}
								label={`Window ${n} from`}
								value={window.from}
								onValue={(from) => change(index, { from })}
								error={errors[`${at}.from`]}
							/>
							<TimeField
								id={`${id}-until`}
								label={`Window ${n} until`}
								value={window.until}
								onValue={(until) => change(index, { until })}
								error={errors[`${at}.until`] ?? errors[at]}
							/>
							<CheckboxGroup
								legend={`Window ${n} days (none ticked: every day)`}
								name={`${id}-days`}
								values={WEEKDAYS}
								selected={window.days}
								onChange={(days) => change(index, { days })}
								label={(day) => DAY_NAMES[day]}
							/>
							{errors[`${at}.days`] && <p class="field-error">{errors[`${at}.days`]}</p>}
							<button
								type="button"
								class="danger-outline"
								onClick={() => onChange(windows.filter((_, other) => other !== index))}
							>
								Remove window {n}
							</button>
						</div>
					</fieldset>
				);
			})}
			<button
				type="button"
				onClick={() => onChange([...windows, { key: rowKey(), from: "07:00", until: "11:00", days: [] }])}
			>
				Add a time window
			</button>
		</fieldset>
	);
}

export interface OptionDraft {
	key: string;
	name: string;
	/** Price change in major units, as typed ("0.50"). */
	delta: string;
	/** Kept as they were: the editor does not change an option's allergens. */
	allergens?: Allergen[];
}

export interface GroupDraft {
	key: string;
	name: string;
	min: string;
	max: string;
	options: OptionDraft[];
}

export function newGroupDraft(): GroupDraft {
	return { key: rowKey(), name: "", min: "0", max: "1", options: [{ key: rowKey(), name: "", delta: "0" }] };
}

/** An item's option groups (Milk: choose 1; Extras: up to 2), each with its options and their price changes. */
export function ModifierGroupsEditor({
	idPrefix,
	currency,
	groups,
	onChange,
	errors,
}: {
	idPrefix: string;
	currency: string;
	groups: GroupDraft[];
	onChange: (groups: GroupDraft[]) => void;
	errors: Record<string, string>;
}) {
	const changeGroup = (index: number, patch: Partial<GroupDraft>) =>
		onChange(groups.map((group, at) => (at === index ? { ...group, ...patch } : group)));
	return (
		<fieldset class="editor-group">
			<legend>Option groups</legend>
			<p class="hint">
				Minimum 0 makes a group optional; minimum 1 and maximum 1 means the customer must choose exactly one.
			</p>
			{groups.map((group, index) => {
				const n = index + 1;
				const at = `modifierGroups.${index}`;
				const id = `${idPrefix}-group-${group.key}`;
				const changeOption = (optionIndex: number, patch: Partial<OptionDraft>) =>
					changeGroup(index, {
						options: group.options.map((option, other) => (other === optionIndex ? { ...option, ...patch } : option)),
					});
				return (
					<fieldset key={group.key} class="editor-group nested">
						<legend>
							Option group {n}
							{group.name ? `: ${group.name}` : ""}
						</legend>
						<TextField
							id={`${id}-name`}
							label={`Group ${n} name`}
							required
							value={group.name}
							onValue={(name) => changeGroup(index, { name })}
							error={errors[`${at}.name`]}
						/>
						<div class="editor-row">
							<TextField
								id={`${id}-min`}
								label={`Group ${n} minimum choices`}
								inputMode="numeric"
								value={group.min}
								onValue={(min) => changeGroup(index, { min })}
								error={errors[`${at}.minSelections`]}
							/>
							<TextField
								id={`${id}-max`}
								label={`Group ${n} maximum choices`}
								inputMode="numeric"
								value={group.max}
								onValue={(max) => changeGroup(index, { max })}
								error={errors[`${at}.maxSelections`]}
							/>
						</div>
						{errors[`${at}.options`] && <p class="field-error">{errors[`${at}.options`]}</p>}
						<ul class="option-rows">
							{group.options.map((option, optionIndex) => {
								const m = optionIndex + 1;
								const optionAt = `${at}.options.${optionIndex}`;
								return (
									<li key={option.key} class="editor-row">
										<TextField
											id={`${id}-option-${option.key}-name`}
											label={`Group ${n} option ${m} name`}
											required
											value={option.name}
											onValue={(name) => changeOption(optionIndex, { name })}
											error={errors[`${optionAt}.name`]}
										/>
										<TextField
											id={`${id}-option-${option.key}-delta`}
											label={`Group ${n} option ${m} price change (${currency})`}
											inputMode="decimal"
											value={option.delta}
											onValue={(delta) => changeOption(optionIndex, { delta })}
											error={errors[`${optionAt}.priceDelta.amount`] ?? errors[`${optionAt}.priceDelta`]}
										/>
										<button
											type="button"
											class="danger-outline"
											disabled={group.options.length === 1}
											onClick={() =>
												changeGroup(index, { options: group.options.filter((_, other) => other !== optionIndex) })
											}
										>
											Remove option {m} of group {n}
										</button>
									</li>
								);
							})}
						</ul>
						<div class="actions">
							<button
								type="button"
								onClick={() =>
									changeGroup(index, { options: [...group.options, { key: rowKey(), name: "", delta: "0" }] })
								}
							>
								Add an option to group {n}
							</button>
							<button
								type="button"
								class="danger-outline"
								onClick={() => onChange(groups.filter((_, other) => other !== index))}
							>
								Remove group {n}
							</button>
						</div>
					</fieldset>
				);
			})}
			<button type="button" onClick={() => onChange([...groups, newGroupDraft()])}>
				Add an option group
			</button>
		</fieldset>
	);
}
