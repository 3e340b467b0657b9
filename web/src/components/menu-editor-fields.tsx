/**
 * Controls only the staff menu editor uses: a refusal with its field details,
 * availability windows in the location's local time, and an item's modifier
 * groups with their options. Every control is labelled; each shows the API's
 * message for its field path (`availability.0.until`,
 * `modifierGroups.1.options.0.name`) next to it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { WEEKDAYS, type Weekday } from "../../../workers/api/src/menu/domain/availability";
import type { FieldIssue } from "../api/http";
import {
	IMAGE_MAX_BYTES,
	IMAGE_TYPES,
	imageUrl,
	type MenuLanguage,
	removeItemImage,
	type Translations,
	uploadItemImage,
} from "../api/menu-admin";
import type { Allergen } from "../api/types";
import { type MessageId, type Translator, useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { CheckboxGroup, TextField } from "./field";

let nextKey = 0;
/** A stable key for a row the user adds, so inputs keep focus and state as rows come and go. */
export function rowKey(): string {
	nextKey += 1;
	return `row-${nextKey}`;
}

/** "modifierGroups.0.options.1.name" → "option group 1, option 2: name". */
export function fieldLabel(path: string, t: Translator["t"]): string {
	const parts = path.split(".");
	const words: string[] = [];
	for (let index = 0; index < parts.length; index++) {
		const part = parts[index];
		const next = parts[index + 1];
		const names: Record<string, MessageId> = {
			modifierGroups: "kitchen.menu.field.group",
			options: "kitchen.menu.field.option",
			availability: "kitchen.menu.field.window",
		};
		if (names[part] && next !== undefined && /^\d+$/.test(next)) {
			words.push(t(names[part], { n: Number(next) + 1 }));
			index++;
		} else {
			words.push(part);
		}
	}
	return words.join(t("kitchen.menu.field.separator"));
}

/**
 * An API refusal next to its form: the envelope's message and each detail by
 * field. It takes focus when it appears, so whoever pressed Save hears it.
 */
export function Refusal({ message, details }: { message: string | null; details: FieldIssue[] }) {
	const { t } = useI18n();
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
							<span class="refusal-field">{fieldLabel(issue.field, t)}</span>: {issue.message}
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

const DAY_NAMES: Record<Weekday, MessageId> = {
	mon: "kitchen.day.mon",
	tue: "kitchen.day.tue",
	wed: "kitchen.day.wed",
	thu: "kitchen.day.thu",
	fri: "kitchen.day.fri",
	sat: "kitchen.day.sat",
	sun: "kitchen.day.sun",
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
	const { t } = useI18n();
	const change = (index: number, patch: Partial<WindowDraft>) =>
		onChange(windows.map((window, at) => (at === index ? { ...window, ...patch } : window)));
	return (
		<fieldset class="editor-group">
			<legend>{t("kitchen.menu.windows.legend")}</legend>
			<p class="hint">{t("kitchen.menu.windows.hint", { timeZone })}</p>
			{windows.map((window, index) => {
				const n = index + 1;
				const id = `${idPrefix}-window-${window.key}`;
				const at = `availability.${index}`;
				return (
					<fieldset key={window.key} class="editor-group nested">
						<legend>{t("kitchen.menu.window.legend", { n })}</legend>
						<div class="editor-row">
							<TimeField
								id={`${id}-from`}
								label={t("kitchen.menu.window.from", { n })}
								value={window.from}
								onValue={(from) => change(index, { from })}
								error={errors[`${at}.from`]}
							/>
							<TimeField
								id={`${id}-until`}
								label={t("kitchen.menu.window.until", { n })}
								value={window.until}
								onValue={(until) => change(index, { until })}
								error={errors[`${at}.until`] ?? errors[at]}
							/>
							<CheckboxGroup
								legend={t("kitchen.menu.window.days", { n })}
								name={`${id}-days`}
								values={WEEKDAYS}
								selected={window.days}
								onChange={(days) => change(index, { days })}
								label={(day) => t(DAY_NAMES[day])}
							/>
							{errors[`${at}.days`] && <p class="field-error">{errors[`${at}.days`]}</p>}
							<button
								type="button"
								class="danger-outline"
								onClick={() => onChange(windows.filter((_, other) => other !== index))}
							>
								{t("kitchen.menu.window.remove", { n })}
							</button>
						</div>
					</fieldset>
				);
			})}
			<button
				type="button"
				onClick={() => onChange([...windows, { key: rowKey(), from: "07:00", until: "11:00", days: [] }])}
			>
				{t("kitchen.menu.windows.add")}
			</button>
		</fieldset>
	);
}

/** A language other than the default the menu is offered in, with its name in the app's language. */
export interface OtherLanguage {
	code: MenuLanguage;
	label: string;
}

/** The names a group or option has in the other languages, as typed; "" falls back to the default language. */
export type NameDrafts = Partial<Record<MenuLanguage, string>>;
/** A category's or item's texts in the other languages, as typed. */
export type TextDrafts = Partial<Record<MenuLanguage, { name: string; description: string }>>;

export function nameDrafts(languages: OtherLanguage[], translations: Translations | undefined): NameDrafts {
	return Object.fromEntries(languages.map(({ code }) => [code, translations?.[code]?.name ?? ""]));
}

export function textDrafts(languages: OtherLanguage[], translations: Translations | undefined): TextDrafts {
	return Object.fromEntries(
		languages.map(({ code }) => [
			code,
			{ name: translations?.[code]?.name ?? "", description: translations?.[code]?.description ?? "" },
		]),
	);
}

/** The translations as the API takes them: empty fields left out, as they read in the default language. */
export function nameTranslations(drafts: NameDrafts): Partial<Record<MenuLanguage, { name?: string }>> {
	const out: Partial<Record<MenuLanguage, { name?: string }>> = {};
	for (const [code, name] of Object.entries(drafts) as [MenuLanguage, string][]) {
		if (name.trim()) out[code] = { name: name.trim() };
	}
	return out;
}

export function textTranslations(drafts: TextDrafts): Translations {
	const out: Translations = {};
	for (const [code, texts] of Object.entries(drafts) as [MenuLanguage, { name: string; description: string }][]) {
		const entry: { name?: string; description?: string } = {};
		if (texts.name.trim()) entry.name = texts.name.trim();
		if (texts.description.trim()) entry.description = texts.description.trim();
		if (Object.keys(entry).length > 0) out[code] = entry;
	}
	return out;
}

/**
 * A category's or item's name and description in each other language the
 * menu is offered in. An empty field falls back to the default language's
 * text, which the field shows greyed as its placeholder.
 */
export function TranslationFields({
	idPrefix,
	languages,
	defaultLabel,
	base,
	drafts,
	onChange,
	errors,
}: {
	idPrefix: string;
	languages: OtherLanguage[];
	defaultLabel: string;
	base: { name: string; description: string };
	drafts: TextDrafts;
	onChange: (drafts: TextDrafts) => void;
	errors: Record<string, string>;
}) {
	const { t } = useI18n();
	if (languages.length === 0) return null;
	return (
		<fieldset class="editor-group translations">
			<legend>{t("kitchen.menu.translations.legend")}</legend>
			<p class="hint">{t("kitchen.menu.translations.hint", { language: defaultLabel })}</p>
			{languages.map(({ code, label }) => {
				const texts = drafts[code] ?? { name: "", description: "" };
				const set = (patch: Partial<typeof texts>) => onChange({ ...drafts, [code]: { ...texts, ...patch } });
				return (
					<div key={code} class="editor-row translation-row" lang={code}>
						<TranslatedInput
							id={`${idPrefix}-${code}-name`}
							label={t("kitchen.menu.translations.name", { language: label })}
							value={texts.name}
							fallback={base.name}
							defaultLabel={defaultLabel}
							onValue={(name) => set({ name })}
							error={errors[`translations.${code}.name`]}
						/>
						<TranslatedInput
							id={`${idPrefix}-${code}-description`}
							label={t("kitchen.menu.translations.description", { language: label })}
							value={texts.description}
							fallback={base.description}
							defaultLabel={defaultLabel}
							onValue={(description) => set({ description })}
							error={errors[`translations.${code}.description`]}
						/>
					</div>
				);
			})}
		</fieldset>
	);
}

/** A text in another language; empty, it says which text customers see instead. */
function TranslatedInput({
	id,
	label,
	value,
	fallback,
	defaultLabel,
	onValue,
	error,
}: {
	id: string;
	label: string;
	value: string;
	fallback: string;
	defaultLabel: string;
	onValue: (value: string) => void;
	error?: string;
}) {
	const { t } = useI18n();
	const hintId = `${id}-hint`;
	const described = [value.trim() === "" && hintId, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			<label for={id}>{label}</label>
			<input
				id={id}
				type="text"
				value={value}
				placeholder={fallback}
				onInput={(event) => onValue(event.currentTarget.value)}
				aria-invalid={error ? true : undefined}
				aria-describedby={described}
			/>
			{value.trim() === "" && (
				<p class="hint translation-fallback" id={hintId}>
					{fallback.trim()
						? t("kitchen.menu.translations.fallback", { language: defaultLabel, text: fallback })
						: t("kitchen.menu.translations.fallbackEmpty", { language: defaultLabel })}
				</p>
			)}
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}

export interface OptionDraft {
	key: string;
	name: string;
	/** Price change in major units, as typed ("0.50"). */
	delta: string;
	/** Kept as they were: the editor does not change an option's allergens. */
	allergens?: Allergen[];
	translations: NameDrafts;
}

export interface GroupDraft {
	key: string;
	name: string;
	min: string;
	max: string;
	options: OptionDraft[];
	translations: NameDrafts;
}

function newOptionDraft(languages: OtherLanguage[]): OptionDraft {
	return { key: rowKey(), name: "", delta: "0", translations: nameDrafts(languages, undefined) };
}

export function newGroupDraft(languages: OtherLanguage[]): GroupDraft {
	return {
		key: rowKey(),
		name: "",
		min: "0",
		max: "1",
		options: [newOptionDraft(languages)],
		translations: nameDrafts(languages, undefined),
	};
}

/** A group's or option's name in each other language, in one row under its name. */
function NameTranslationFields({
	id,
	label,
	languages,
	defaultLabel,
	fallback,
	drafts,
	onChange,
	errors,
	errorAt,
}: {
	id: string;
	label: (language: string) => string;
	languages: OtherLanguage[];
	defaultLabel: string;
	fallback: string;
	drafts: NameDrafts;
	onChange: (drafts: NameDrafts) => void;
	errors: Record<string, string>;
	errorAt: string;
}) {
	if (languages.length === 0) return null;
	return (
		<div class="editor-row translation-row">
			{languages.map(({ code, label: languageLabel }) => (
				<div key={code} lang={code} class="translation-cell">
					<TranslatedInput
						id={`${id}-${code}`}
						label={label(languageLabel)}
						value={drafts[code] ?? ""}
						fallback={fallback}
						defaultLabel={defaultLabel}
						onValue={(name) => onChange({ ...drafts, [code]: name })}
						error={errors[`${errorAt}.translations.${code}.name`]}
					/>
				</div>
			))}
		</div>
	);
}

/** An item's option groups (Milk: choose 1; Extras: up to 2), each with its options and their price changes. */
export function ModifierGroupsEditor({
	idPrefix,
	currency,
	groups,
	onChange,
	errors,
	languages,
	defaultLabel,
}: {
	idPrefix: string;
	currency: string;
	groups: GroupDraft[];
	onChange: (groups: GroupDraft[]) => void;
	errors: Record<string, string>;
	languages: OtherLanguage[];
	defaultLabel: string;
}) {
	const { t } = useI18n();
	const changeGroup = (index: number, patch: Partial<GroupDraft>) =>
		onChange(groups.map((group, at) => (at === index ? { ...group, ...patch } : group)));
	return (
		<fieldset class="editor-group">
			<legend>{t("kitchen.menu.groups.legend")}</legend>
			<p class="hint">{t("kitchen.menu.groups.hint")}</p>
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
							{group.name
								? t("kitchen.menu.group.legendNamed", { n, name: group.name })
								: t("kitchen.menu.group.legend", { n })}
						</legend>
						<TextField
							id={`${id}-name`}
							label={t("kitchen.menu.group.name", { n })}
							required
							value={group.name}
							onValue={(name) => changeGroup(index, { name })}
							error={errors[`${at}.name`]}
						/>
						<NameTranslationFields
							id={`${id}-name`}
							label={(language) => t("kitchen.menu.group.nameIn", { n, language })}
							languages={languages}
							defaultLabel={defaultLabel}
							fallback={group.name}
							drafts={group.translations}
							onChange={(translations) => changeGroup(index, { translations })}
							errors={errors}
							errorAt={at}
						/>
						<div class="editor-row">
							<TextField
								id={`${id}-min`}
								label={t("kitchen.menu.group.min", { n })}
								inputMode="numeric"
								value={group.min}
								onValue={(min) => changeGroup(index, { min })}
								error={errors[`${at}.minSelections`]}
							/>
							<TextField
								id={`${id}-max`}
								label={t("kitchen.menu.group.max", { n })}
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
									<li key={option.key}>
										<div class="editor-row">
											<TextField
												id={`${id}-option-${option.key}-name`}
												label={t("kitchen.menu.option.name", { n, m })}
												required
												value={option.name}
												onValue={(name) => changeOption(optionIndex, { name })}
												error={errors[`${optionAt}.name`]}
											/>
											<TextField
												id={`${id}-option-${option.key}-delta`}
												label={t("kitchen.menu.option.delta", { n, m, currency })}
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
												{t("kitchen.menu.option.remove", { n, m })}
											</button>
										</div>
										<NameTranslationFields
											id={`${id}-option-${option.key}-name`}
											label={(language) => t("kitchen.menu.option.nameIn", { n, m, language })}
											languages={languages}
											defaultLabel={defaultLabel}
											fallback={option.name}
											drafts={option.translations}
											onChange={(translations) => changeOption(optionIndex, { translations })}
											errors={errors}
											errorAt={optionAt}
										/>
									</li>
								);
							})}
						</ul>
						<div class="actions">
							<button
								type="button"
								onClick={() => changeGroup(index, { options: [...group.options, newOptionDraft(languages)] })}
							>
								{t("kitchen.menu.option.add", { n })}
							</button>
							<button
								type="button"
								class="danger-outline"
								onClick={() => onChange(groups.filter((_, other) => other !== index))}
							>
								{t("kitchen.menu.group.remove", { n })}
							</button>
						</div>
					</fieldset>
				);
			})}
			<button type="button" onClick={() => onChange([...groups, newGroupDraft(languages)])}>
				{t("kitchen.menu.groups.add")}
			</button>
		</fieldset>
	);
}

/** Why a file is refused before it is sent; the server checks the content again and decides. */
function localImageRefusal(file: File, t: Translator["t"]): string | null {
	if (file.size === 0) return t("kitchen.menu.photo.empty");
	if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return t("kitchen.menu.photo.wrongType");
	if (file.size > IMAGE_MAX_BYTES)
		return t("kitchen.menu.photo.tooLarge", { megabytes: IMAGE_MAX_BYTES / 1024 / 1024 });
	return null;
}

/**
 * An item's photo: the current one, a file input that uploads a new one at
 * once, and Remove. A refusal (here or the server's) shows next to the control.
 */
export function PhotoField({
	idPrefix,
	slug,
	itemId,
	itemName,
	image,
	onChanged,
}: {
	idPrefix: string;
	slug: string;
	itemId: string;
	itemName: string;
	image: { id: string; width: number; height: number } | null;
	onChanged: (image: { id: string; width: number; height: number } | null) => void;
}) {
	const { t } = useI18n();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [status, setStatus] = useState<string | null>(null);
	const input = useRef<HTMLInputElement>(null);
	const id = `${idPrefix}-photo`;
	const errorId = `${id}-error`;

	const upload = async (file: File) => {
		setError(null);
		setStatus(null);
		const refusal = localImageRefusal(file, t);
		if (refusal) {
			setError(refusal);
			return;
		}
		setBusy(true);
		try {
			const { image: stored } = await uploadItemImage(slug, itemId, file);
			onChanged({ id: stored.id, width: stored.width, height: stored.height });
			setStatus(t("kitchen.menu.photo.uploaded", { name: itemName }));
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
			if (input.current) input.current.value = "";
		}
	};

	const remove = async () => {
		setError(null);
		setStatus(null);
		setBusy(true);
		try {
			await removeItemImage(slug, itemId);
			onChanged(null);
			setStatus(t("kitchen.menu.photo.removed", { name: itemName }));
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<fieldset class="editor-group photo-field">
			<legend>{t("kitchen.menu.photo.legend")}</legend>
			<div class="photo-row">
				{image ? (
					<img
						class="photo-preview"
						src={imageUrl(image.id, 160)}
						width={160}
						height={Math.round((160 * image.height) / Math.max(1, image.width))}
						alt={t("kitchen.menu.photo.alt", { name: itemName })}
					/>
				) : (
					<p class="photo-none muted small">{t("kitchen.menu.photo.none")}</p>
				)}
				<div class={`field${error ? " field-invalid" : ""}`}>
					<label for={id}>{image ? t("kitchen.menu.photo.replace") : t("kitchen.menu.photo.choose")}</label>
					<p class="hint" id={`${id}-hint`}>
						{t("kitchen.menu.photo.hint", { megabytes: IMAGE_MAX_BYTES / 1024 / 1024 })}
					</p>
					<input
						id={id}
						ref={input}
						type="file"
						accept={IMAGE_TYPES.join(",")}
						disabled={busy}
						aria-invalid={error ? true : undefined}
						aria-describedby={error ? `${id}-hint ${errorId}` : `${id}-hint`}
						onChange={(event) => {
							const file = event.currentTarget.files?.[0];
							if (file) void upload(file);
						}}
					/>
					{error && (
						<p class="field-error" id={errorId} role="alert">
							{error}
						</p>
					)}
				</div>
				{image && (
					<button type="button" class="danger-outline" disabled={busy} onClick={remove}>
						{t("kitchen.menu.photo.remove")} <span class="visually-hidden">{itemName}</span>
					</button>
				)}
			</div>
			{busy && (
				<p class="muted small" role="status">
					{t("kitchen.menu.photo.working")}
				</p>
			)}
			{status && !busy && (
				<p class="small" role="status">
					{status}
				</p>
			)}
		</fieldset>
	);
}
