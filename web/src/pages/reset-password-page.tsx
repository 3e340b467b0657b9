/**
 * Sets a new password from the link in a reset e-mail (`?token=`). The link
 * works once, for 30 minutes; a spent or unknown one says so and offers a new
 * one. A new password ends every session of the account.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { completePasswordReset } from "../api/back-office";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, fieldErrors, type LinkRefusal, linkRefusal } from "../i18n/errors";
import { Link, useRoute } from "../router";

/** What a refused link means, and where to get another: shared by the pages e-mails link to. */
export function LinkProblem({ refusal, next }: { refusal: LinkRefusal; next: ComponentChildren }) {
	const { t } = useI18n();
	const text = {
		link_expired: t("recovery.link.expired"),
		link_used: t("recovery.link.used"),
		link_invalid: t("recovery.link.invalid"),
	}[refusal];
	return (
		<div class="notice link-problem" role="alert">
			<p>{text}</p>
			<p>{next}</p>
		</div>
	);
}

export function ResetPasswordPage() {
	const { t } = useI18n();
	const { query } = useRoute();
	const token = query.get("token") ?? "";
	const [password, setPassword] = useState("");
	const [refusal, setRefusal] = useState<LinkRefusal | null>(token ? null : "link_invalid");
	const [done, setDone] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			await completePasswordReset(token, password);
			setDone(true);
		} catch (failure) {
			const link = linkRefusal(failure);
			if (link) setRefusal(link);
			else {
				setError(errorText(failure));
				setFields(fieldErrors(failure));
			}
		} finally {
			setBusy(false);
		}
	};

	const title = t("recovery.reset.title");
	return (
		<section class="narrow">
			<PageHeading title={title}>{title}</PageHeading>
			{done ? (
				<div role="status">
					<p>{t("recovery.reset.done")}</p>
					<p>
						<Link href="/sign-in">{t("recovery.reset.signIn")}</Link>
					</p>
				</div>
			) : refusal ? (
				<LinkProblem refusal={refusal} next={<Link href="/forgot-password">{t("recovery.reset.askAgain")}</Link>} />
			) : (
				<form onSubmit={submit} noValidate>
					<ErrorMessage message={error} takeFocus />
					<TextField
						id="new-password"
						label={t("recovery.reset.password")}
						type="password"
						autoComplete="new-password"
						hint={t("register.passwordHint")}
						required
						value={password}
						onValue={setPassword}
						error={fields.password}
					/>
					<p class="muted small">{t("recovery.reset.signsOut")}</p>
					<button type="submit" class="primary" disabled={busy}>
						{busy ? t("recovery.reset.busy") : t("recovery.reset.submit")}
					</button>
				</form>
			)}
		</section>
	);
}
