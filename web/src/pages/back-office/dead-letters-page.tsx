/** Placeholder until the operations screens land (issue 19, in progress this session). */
import { useI18n } from "../../i18n";
import { BackOfficeShell } from "./shell";

export function DeadLettersPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.deadLetters")} current="dead-letters">
			{() => null}
		</BackOfficeShell>
	);
}
