/**
 * Messages that ran out of retries in any region (admins only): why each died,
 * and a replay that sends it back to its queue, one at a time or every pending
 * one after a confirmation. A replay never sends a message twice; the answer
 * says when another replay got there first.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
	type DeadLetter,
	type DeadLetterState,
	listDeadLetters,
	type ReplayAllOutcome,
	type ReplayOutcome,
	replayAllDeadLetters,
	replayDeadLetter,
} from "../../api/operations";
import type { Profile } from "../../api/types";
import { ErrorMessage } from "../../components/page";
import { type MessageId, useI18n } from "../../i18n";
import { kitchenErrorText } from "../../i18n/kitchen-errors";
import { announce } from "../../state/announcer";
import { KitchenLoading } from "../kitchen-shell";
import { BackOfficeShell } from "./shell";

const STATES: { state: DeadLetterState; label: MessageId }[] = [
	{ state: "pending", label: "operations.deadLetters.state.pending" },
	{ state: "replayed", label: "operations.deadLetters.state.replayed" },
	{ state: "all", label: "operations.deadLetters.state.all" },
];

const keyOf = (letter: DeadLetter) => `${letter.region}/${letter.queue}/${letter.messageId}`;

function DeadLetterRow({
	letter,
	outcome,
	busy,
	onReplay,
}: {
	letter: DeadLetter;
	outcome: ReplayOutcome | undefined;
	busy: boolean;
	onReplay: () => void;
}) {
	const { t, intl } = useI18n();
	const when = (instant: string) => intl.formatDate(instant, { dateStyle: "medium", timeStyle: "medium" });
	const what = letter.eventType ?? t("operations.deadLetters.notAnEvent");
	return (
		<tr>
			<td>{when(letter.deadAt)}</td>
			<th scope="row">
				<code>{what}</code>
			</th>
			<td>{letter.orderId ? <code>{letter.orderId}</code> : "—"}</td>
			<td>
				{letter.region}
				<br />
				<span class="muted small">{letter.queue}</span>
			</td>
			<td class="ops-wrap">{letter.reason}</td>
			<td class="numeric">{letter.attempts}</td>
			<td>
				{outcome
					? outcome.replayed
						? t("operations.deadLetters.replayedNow", { time: when(outcome.replayedAt) })
						: t("operations.deadLetters.replayedBefore", { time: when(outcome.replayedAt) })
					: letter.replayedAt
						? when(letter.replayedAt)
						: t("operations.deadLetters.notReplayed")}
			</td>
			<td>
				{!outcome && !letter.replayedAt && (
					<button
						type="button"
						disabled={busy}
						onClick={onReplay}
						aria-label={
							letter.orderId
								? t("operations.deadLetters.replay.named", { event: what, order: letter.orderId })
								: t("operations.deadLetters.replay.message", { id: letter.messageId })
						}
					>
						{t("operations.deadLetters.replay")}
					</button>
				)}
			</td>
		</tr>
	);
}

/** The question before every pending dead letter is sent back; its "yes" takes focus so a keyboard lands on it. */
function ConfirmReplayAll({
	question,
	busy,
	onConfirm,
	onCancel,
}: {
	question: string;
	busy: boolean;
	onConfirm: () => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const yes = useRef<HTMLButtonElement>(null);
	useEffect(() => yes.current?.focus(), []);
	return (
		<section class="notice ops-confirm" aria-labelledby="replay-all-question">
			<p id="replay-all-question">{question}</p>
			<div class="actions">
				<button type="button" class="primary" ref={yes} disabled={busy} onClick={onConfirm}>
					{t("operations.deadLetters.replayAll.confirm")}
				</button>
				<button type="button" disabled={busy} onClick={onCancel}>
					{t("operations.deadLetters.replayAll.cancel")}
				</button>
			</div>
		</section>
	);
}

function DeadLetters() {
	const { t } = useI18n();
	const [state, setState] = useState<DeadLetterState>("pending");
	const [letters, setLetters] = useState<DeadLetter[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [outcomes, setOutcomes] = useState<Record<string, ReplayOutcome>>({});
	const [confirmAll, setConfirmAll] = useState(false);
	const [allOutcome, setAllOutcome] = useState<ReplayAllOutcome | null>(null);
	const [loads, setLoads] = useState(0);

	// `loads` changes to ask for the list again (after a replay of all, or Refresh).
	useEffect(() => {
		setLetters(null);
		setError(null);
		setOutcomes({});
		listDeadLetters(state, 200)
			.then(({ deadLetters }) => setLetters(deadLetters))
			.catch((failure) => setError(kitchenErrorText(failure)));
	}, [state, loads]);

	const replayOne = async (letter: DeadLetter) => {
		setBusy(true);
		setError(null);
		try {
			const outcome = await replayDeadLetter(letter);
			setOutcomes((known) => ({ ...known, [keyOf(letter)]: outcome }));
			announce(outcome.replayed ? t("operations.deadLetters.replayed") : t("operations.deadLetters.alreadyReplayed"));
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	const replayAll = async () => {
		setBusy(true);
		setError(null);
		setAllOutcome(null);
		try {
			const outcome = await replayAllDeadLetters();
			setAllOutcome(outcome);
			setConfirmAll(false);
			setLoads((count) => count + 1);
		} catch (failure) {
			setError(kitchenErrorText(failure));
		} finally {
			setBusy(false);
		}
	};

	const pending = letters?.filter((letter) => !letter.replayedAt && !outcomes[keyOf(letter)]).length ?? 0;

	return (
		<div class="ops-dead-letters">
			<p class="muted">{t("operations.deadLetters.intro")}</p>
			<div class="toolbar">
				<div class="field inline-field">
					<label for="dead-letter-state">{t("operations.deadLetters.show")}</label>
					<select
						id="dead-letter-state"
						value={state}
						onChange={(event) => setState(event.currentTarget.value as DeadLetterState)}
					>
						{STATES.map(({ state: value, label }) => (
							<option key={value} value={value}>
								{t(label)}
							</option>
						))}
					</select>
				</div>
				<button type="button" disabled={busy} onClick={() => setLoads((count) => count + 1)}>
					{t("operations.refresh")}
				</button>
				{!confirmAll && (
					<button
						type="button"
						class="primary"
						disabled={busy}
						onClick={() => {
							setAllOutcome(null);
							setConfirmAll(true);
						}}
					>
						{t("operations.deadLetters.replayAll")}
					</button>
				)}
			</div>
			{confirmAll && (
				<ConfirmReplayAll
					question={
						state === "pending" && letters
							? t("operations.deadLetters.replayAll.questionCount", { count: pending })
							: t("operations.deadLetters.replayAll.question")
					}
					busy={busy}
					onConfirm={replayAll}
					onCancel={() => setConfirmAll(false)}
				/>
			)}
			<div role="status">
				{allOutcome && (
					<p class="success">
						{t("operations.deadLetters.replayAll.outcome", {
							replayed: allOutcome.replayed,
							already: allOutcome.alreadyReplayed,
						})}
					</p>
				)}
			</div>
			<ErrorMessage message={error} />
			{!letters && !error && <KitchenLoading message={t("operations.deadLetters.loading")} />}
			{letters?.length === 0 && <p>{t(`operations.deadLetters.none.${state}`)}</p>}
			{letters && letters.length > 0 && (
				<div class="ops-table-wrap">
					<table class="table ops-table">
						<caption class="visually-hidden">
							{t("operations.deadLetters.caption", { state: t(`operations.deadLetters.state.${state}`) })}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t("operations.deadLetters.diedAt")}</th>
								<th scope="col">{t("operations.deadLetters.event")}</th>
								<th scope="col">{t("operations.deadLetters.order")}</th>
								<th scope="col">{t("operations.deadLetters.region")}</th>
								<th scope="col">{t("operations.deadLetters.reason")}</th>
								<th scope="col" class="numeric">
									{t("operations.deadLetters.attempts")}
								</th>
								<th scope="col">{t("operations.deadLetters.replayedAt")}</th>
								<th scope="col">
									<span class="visually-hidden">{t("operations.deadLetters.actions")}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{letters.map((letter) => (
								<DeadLetterRow
									key={keyOf(letter)}
									letter={letter}
									outcome={outcomes[keyOf(letter)]}
									busy={busy}
									onReplay={() => replayOne(letter)}
								/>
							))}
						</tbody>
					</table>
				</div>
			)}
		</div>
	);
}

function AdminsOnly({ profile }: { profile: Profile }) {
	const { t } = useI18n();
	return profile.role === "admin" ? <DeadLetters /> : <p>{t("operations.adminsOnly")}</p>;
}

export function DeadLettersPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.deadLetters")} current="dead-letters">
			{(profile) => <AdminsOnly profile={profile} />}
		</BackOfficeShell>
	);
}
