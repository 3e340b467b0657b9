/**
 * Sets a new password from the link in a reset e-mail (`?token=`). The link
 * works once, for 30 minutes; a spent or unknown one says so and offers a new
 * one. A new password ends every session of the account.
 */
import { useState } from "preact/hooks";
import { completePasswordReset } from "../api/back-office";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { Link } from "../router";
import { LinkProblem, useLinkPasswordForm } from "./link-pages";

export function ResetPasswordPage() {
	const { t } = useI18n();
	const [done, setDone] = useState(false);
	const { password, setPassword, refusal, error, fields, busy, submit } = useLinkPasswordForm(
		async (token, password) => {
			await completePasswordReset(token, password);
			setDone(true);
		},
	);

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
