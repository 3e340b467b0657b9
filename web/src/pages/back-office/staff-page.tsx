/**
 * Staff accounts and invitations. Admins invite anyone to any role and change
 * or remove any account but their own; a manager sees and invites kitchen
 * staff at their own locations only, so the forms offer only that (the API
 * holds the same rule). A change or removal ends the account's sessions.
 */
import { useEffect, useState } from "preact/hooks";
import {
	changeStaff,
	type Invitation,
	invite,
	listInvitations,
	listStaff,
	removeStaff,
	revokeInvitation,
	STAFF_ROLES,
	type StaffRole,
} from "../../api/back-office";
import { listLocations } from "../../api/endpoints";
import { ApiFailure } from "../../api/http";
import type { Location, Profile } from "../../api/types";
import { CheckboxGroup, TextField } from "../../components/field";
import { ErrorMessage } from "../../components/page";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { kitchenErrorText, kitchenFieldErrors } from "../../i18n/kitchen-errors";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { BackOfficeShell } from "./shell";

/** The roles this person may hand out: a manager only kitchen staff. */
function rolesFor(profile: Profile): readonly StaffRole[] {
	return profile.role === "admin" ? STAFF_ROLES : ["kitchen"];
}

/** The locations this person may hand out: an admin every one, a manager their own. */
function locationsFor(profile: Profile, locations: Location[]): Location[] {
	return profile.role === "admin" ? locations : locations.filter((entry) => profile.locations.includes(entry.slug));
}

/** Whether this person may change or remove the account (never their own). */
function mayManage(profile: Profile, account: Profile): boolean {
	if (account.id === profile.id) return false;
	if (profile.role === "admin") return true;
	return account.role === "kitchen" && account.locations.every((slug) => profile.locations.includes(slug));
}

interface FormError {
	message: string | null;
	fields: Record<string, string>;
}

const NO_ERROR: FormError = { message: null, fields: {} };

/** A refusal of an invitation or change, with the API's codes put by the field they are about. */
function refusalOf(failure: unknown, t: ReturnType<typeof useI18n>["t"]): FormError {
	const message = kitchenErrorText(failure);
	const { fields } = kitchenFieldErrors(failure);
	if (failure instanceof ApiFailure) {
		if (failure.code === "already_staff") return { message, fields: { email: t("backOffice.staff.alreadyStaff") } };
		if (failure.code === "email_taken") return { message, fields: { email: t("backOffice.staff.emailTaken") } };
		if (failure.status === 403) return { message, fields: { ...fields, locations: t("backOffice.staff.notYours") } };
	}
	return { message, fields };
}

function RoleSelect({
	id,
	roles,
	value,
	onValue,
	error,
}: {
	id: string;
	roles: readonly StaffRole[];
	value: StaffRole;
	onValue: (role: StaffRole) => void;
	error?: string;
}) {
	const { t } = useI18n();
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			<label for={id}>{t("backOffice.staff.role")}</label>
			<select
				id={id}
				value={value}
				disabled={roles.length === 1}
				aria-invalid={error ? true : undefined}
				aria-describedby={error ? `${id}-error` : undefined}
				onChange={(event) => onValue(event.currentTarget.value as StaffRole)}
			>
				{roles.map((role) => (
					<option key={role} value={role}>
						{t(`backOffice.staff.role.${role}`)}
					</option>
				))}
			</select>
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}

/** The location checkboxes; admins work everywhere, so an admin role needs none. */
function LocationChoice({
	name,
	role,
	offered,
	selected,
	onChange,
	error,
}: {
	name: string;
	role: StaffRole;
	offered: Location[];
	selected: string[];
	onChange: (slugs: string[]) => void;
	error?: string;
}) {
	const { t } = useI18n();
	if (role === "admin") return <p class="muted small">{t("backOffice.staff.adminEverywhere")}</p>;
	const names = new Map(offered.map((entry) => [entry.slug, entry.name]));
	return (
		<div class={error ? "field-invalid" : undefined}>
			<CheckboxGroup
				legend={t("backOffice.staff.locations")}
				name={name}
				values={offered.map((entry) => entry.slug)}
				selected={selected}
				onChange={onChange}
				label={(slug) => names.get(slug) ?? slug}
			/>
			{error && <p class="field-error">{error}</p>}
		</div>
	);
}

function InviteForm({
	profile,
	locations,
	onInvited,
}: {
	profile: Profile;
	locations: Location[];
	onInvited: () => void;
}) {
	const { t } = useI18n();
	const roles = rolesFor(profile);
	const offered = locationsFor(profile, locations);
	const blank = { email: "", name: "", role: roles[0], locations: offered.length === 1 ? [offered[0].slug] : [] };
	const [draft, setDraft] = useState(blank);
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		setBusy(true);
		try {
			const sent = await invite({
				email: draft.email.trim(),
				name: draft.name.trim(),
				role: draft.role,
				locations: draft.role === "admin" ? [] : draft.locations,
			});
			announce(t("backOffice.staff.invited", { email: sent.email }));
			setDraft(blank);
			onInvited();
		} catch (failure) {
			setError(refusalOf(failure, t));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card" onSubmit={submit} noValidate aria-labelledby="invite-heading">
			<h2 id="invite-heading">{t("backOffice.staff.invite")}</h2>
			<p class="muted small">
				{profile.role === "admin" ? t("backOffice.staff.invite.hint") : t("backOffice.staff.invite.managerHint")}
			</p>
			<ErrorMessage message={error.message} takeFocus />
			<TextField
				id="invite-email"
				label={t("field.email")}
				type="email"
				autoComplete="off"
				required
				value={draft.email}
				onValue={(email) => setDraft({ ...draft, email })}
				error={error.fields.email}
			/>
			<TextField
				id="invite-name"
				label={t("field.name")}
				autoComplete="off"
				required
				value={draft.name}
				onValue={(name) => setDraft({ ...draft, name })}
				error={error.fields.name}
			/>
			<RoleSelect
				id="invite-role"
				roles={roles}
				value={draft.role}
				onValue={(role) => setDraft({ ...draft, role })}
				error={error.fields.role}
			/>
			<LocationChoice
				name="invite-locations"
				role={draft.role}
				offered={offered}
				selected={draft.locations}
				onChange={(chosen) => setDraft({ ...draft, locations: chosen })}
				error={error.fields.locations}
			/>
			<button type="submit" class="primary" disabled={busy}>
				{busy ? t("backOffice.staff.inviting") : t("backOffice.staff.sendInvitation")}
			</button>
		</form>
	);
}

function StaffEditor({
	profile,
	account,
	locations,
	onDone,
}: {
	profile: Profile;
	account: Profile;
	locations: Location[];
	onDone: (changed: boolean) => void;
}) {
	const { t } = useI18n();
	const [role, setRole] = useState<StaffRole>(account.role === "customer" ? "kitchen" : account.role);
	const [chosen, setChosen] = useState<string[]>(account.locations);
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		setBusy(true);
		try {
			await changeStaff(account.id, { role, locations: role === "admin" ? [] : chosen });
			announce(t("backOffice.staff.changed", { name: account.name }));
			onDone(true);
		} catch (failure) {
			setError(refusalOf(failure, t));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form
			class="item-editor"
			onSubmit={save}
			noValidate
			aria-label={t("backOffice.staff.edit", { name: account.name })}
		>
			<ErrorMessage message={error.message} takeFocus />
			<RoleSelect
				id={`role-${account.id}`}
				roles={rolesFor(profile)}
				value={role}
				onValue={setRole}
				error={error.fields.role}
			/>
			<LocationChoice
				name={`locations-${account.id}`}
				role={role}
				offered={locationsFor(profile, locations)}
				selected={chosen}
				onChange={setChosen}
				error={error.fields.locations}
			/>
			<p class="muted small">{t("backOffice.staff.signedOutNote")}</p>
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{t("backOffice.staff.save")}
				</button>
				<button type="button" onClick={() => onDone(false)}>
					{t("backOffice.cancel")}
				</button>
			</div>
		</form>
	);
}

function StaffRow({
	profile,
	account,
	locations,
	onChanged,
}: {
	profile: Profile;
	account: Profile;
	locations: Location[];
	onChanged: () => void;
}) {
	const { t, intl } = useI18n();
	const [editing, setEditing] = useState(false);
	const [confirming, setConfirming] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const names = new Map(locations.map((entry) => [entry.slug, entry.name]));
	const where =
		account.role === "admin"
			? t("backOffice.staff.everyLocation")
			: intl.formatList(account.locations.map((slug) => names.get(slug) ?? slug));

	const remove = async () => {
		setError(null);
		try {
			await removeStaff(account.id);
			announce(t("backOffice.staff.removed", { name: account.name }));
			onChanged();
		} catch (failure) {
			setError(kitchenErrorText(failure));
		}
	};

	return (
		<li class="manage-row staff-row">
			<div class="staff-who">
				<span class="item-name">
					{account.name}
					{account.id === profile.id && <span class="muted"> {t("backOffice.staff.you")}</span>}
				</span>
				<span class="muted small">{account.email}</span>
			</div>
			<span class="badge">
				{account.role === "customer" ? account.role : t(`backOffice.staff.role.${account.role}`)}
			</span>
			<span class="small">{where}</span>
			{mayManage(profile, account) && !editing && (
				<div class="actions">
					<button type="button" onClick={() => setEditing(true)}>
						{t("backOffice.staff.change")} <span class="visually-hidden">{account.name}</span>
					</button>
					{confirming ? (
						<>
							<button type="button" class="danger" onClick={remove}>
								{t("backOffice.staff.removeForGood", { name: account.name })}
							</button>
							<button type="button" onClick={() => setConfirming(false)}>
								{t("backOffice.cancel")}
							</button>
						</>
					) : (
						<button type="button" class="danger-outline" onClick={() => setConfirming(true)}>
							{t("backOffice.staff.remove")} <span class="visually-hidden">{account.name}</span>
						</button>
					)}
				</div>
			)}
			<ErrorMessage message={error} />
			{editing && (
				<StaffEditor
					profile={profile}
					account={account}
					locations={locations}
					onDone={(changed) => {
						setEditing(false);
						if (changed) onChanged();
					}}
				/>
			)}
		</li>
	);
}

function Invitations({
	invitations,
	locations,
	onChanged,
}: {
	invitations: Invitation[];
	locations: Location[];
	onChanged: () => void;
}) {
	const { t, intl } = useI18n();
	const [error, setError] = useState<string | null>(null);
	const names = new Map(locations.map((entry) => [entry.slug, entry.name]));
	const revoke = async (invitation: Invitation) => {
		setError(null);
		try {
			await revokeInvitation(invitation.id);
			announce(t("backOffice.staff.revoked", { email: invitation.email }));
			onChanged();
		} catch (failure) {
			setError(kitchenErrorText(failure));
		}
	};
	return (
		<section class="card" aria-labelledby="invitations-heading">
			<h2 id="invitations-heading">{t("backOffice.staff.pending")}</h2>
			<ErrorMessage message={error} />
			{invitations.length === 0 ? (
				<p class="muted">{t("backOffice.staff.noInvitations")}</p>
			) : (
				<ul class="manage-list">
					{invitations.map((invitation) => (
						<li key={invitation.id} class="manage-row staff-row">
							<div class="staff-who">
								<span class="item-name">{invitation.name}</span>
								<span class="muted small">{invitation.email}</span>
							</div>
							<span class="badge">{t(`backOffice.staff.role.${invitation.role}`)}</span>
							<span class="small">
								{invitation.role === "admin"
									? t("backOffice.staff.everyLocation")
									: intl.formatList(invitation.locations.map((slug) => names.get(slug) ?? slug))}
							</span>
							<span class="muted small">
								{t("backOffice.staff.expires", { when: formatDateTime(invitation.expiresAt) })}
							</span>
							<button type="button" class="danger-outline" onClick={() => revoke(invitation)}>
								{t("backOffice.staff.revoke")} <span class="visually-hidden">{invitation.email}</span>
							</button>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

function StaffManager({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	const [staff, setStaff] = useState<Profile[] | null>(null);
	const [invitations, setInvitations] = useState<Invitation[] | null>(null);
	const [locations, setLocations] = useState<Location[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [invitationsError, setInvitationsError] = useState<string | null>(null);

	const reload = () => {
		listStaff()
			.then((list) => {
				setStaff(list.staff);
				setError(null);
			})
			.catch((failure) => setError(kitchenErrorText(failure)));
		listInvitations()
			.then((list) => {
				setInvitations(list.invitations);
				setInvitationsError(null);
			})
			.catch((failure) => setInvitationsError(kitchenErrorText(failure)));
	};

	useEffect(() => {
		reload();
		listLocations()
			.then((list) => setLocations(list.locations))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, []);

	if (!locations) {
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("backOffice.staff.loading")} />;
	}

	return (
		<div class="back-office-grid">
			<InviteForm profile={profile} locations={locations} onInvited={reload} />
			{invitations ? (
				<Invitations invitations={invitations} locations={locations} onChanged={reload} />
			) : (
				<ErrorMessage message={invitationsError} />
			)}
			<section class="card wide" aria-labelledby="staff-heading">
				<h2 id="staff-heading">{t("backOffice.staff.accounts")}</h2>
				<ErrorMessage message={error} />
				{!staff && !error && <KitchenLoading message={t("backOffice.staff.loading")} />}
				{staff?.length === 0 && <p class="muted">{t("backOffice.staff.none")}</p>}
				{staff && staff.length > 0 && (
					<ul class="manage-list">
						{staff.map((account) => (
							<StaffRow key={account.id} profile={profile} account={account} locations={locations} onChanged={reload} />
						))}
					</ul>
				)}
			</section>
		</div>
	);
}

export function StaffPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.staff.title")} current="staff">
			{(profile) => <StaffManager profile={profile} />}
		</BackOfficeShell>
	);
}
