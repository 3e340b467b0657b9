/**
 * Opening hours as a customer sees them: open or closed now and until when,
 * and the pickup or delivery slots a checkout may ask for. The rules are the
 * server's own (menu/domain/availability); the server still decides.
 */
import { isOpenAt, localClock } from "../../workers/api/src/menu/domain/availability";
import type { LocationSummary } from "./api/types";
import { i18n } from "./i18n";

const QUARTER_HOUR_MS = 15 * 60_000;
const WEEK_MS = 7 * 24 * 3600_000;
/** The server wants 15 minutes' notice; a few more leave time to fill in the form. */
const LEAD_MS = 20 * 60_000;

function openAt(location: LocationSummary, instant: Date): boolean {
	return isOpenAt(location.openingHours, localClock(instant, location.timeZone));
}

function nextQuarterHour(from: number): number {
	return Math.ceil(from / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
}

/** The first quarter hour after `from` at which the location's open state flips, within a week. */
function nextChange(location: LocationSummary, from: Date, open: boolean): Date | null {
	for (let at = nextQuarterHour(from.getTime() + 1); at <= from.getTime() + WEEK_MS; at += QUARTER_HOUR_MS) {
		if (openAt(location, new Date(at)) !== open) return new Date(at);
	}
	return null;
}

export interface OpenStatus {
	open: boolean;
	/** "Open until 22:00", "Closed · opens Thu 07:00". */
	text: string;
}

export function openStatus(location: LocationSummary, openNow: boolean, now = new Date()): OpenStatus {
	const { t, intl } = i18n();
	const change = nextChange(location, now, openNow);
	const today = localClock(now, location.timeZone);
	const when = (at: Date) => {
		const clock = localClock(at, location.timeZone);
		if (clock.date === today.date) return clock.time;
		return t("hours.dayAndTime", {
			day: intl.formatDate(at, { timeZone: location.timeZone, weekday: "short" }),
			time: clock.time,
		});
	};
	if (openNow) return { open: true, text: change ? t("hours.openUntil", { time: when(change) }) : t("hours.openNow") };
	return {
		open: false,
		text: change ? t("hours.closedOpens", { time: when(change) }) : t("hours.closedThisWeek"),
	};
}

export interface SlotDay {
	/** The local date, YYYY-MM-DD. */
	date: string;
	label: string;
	/** Each slot's value is the instant to send; its label the local time. */
	slots: { value: string; label: string }[];
}

/** Every quarter hour from 20 minutes to 7 days ahead when the location is open, grouped by local day. */
export function timeSlots(location: LocationSummary, now = new Date()): SlotDay[] {
	const days: SlotDay[] = [];
	const { t, intl } = i18n();
	const dayLabel = (instant: Date) =>
		intl.formatDate(instant, { timeZone: location.timeZone, weekday: "long", day: "numeric", month: "long" });
	const start = nextQuarterHour(now.getTime() + LEAD_MS);
	// The server accepts up to exactly 7 days ahead; stop a quarter hour short of it.
	for (let at = start; at < now.getTime() + WEEK_MS - QUARTER_HOUR_MS; at += QUARTER_HOUR_MS) {
		const instant = new Date(at);
		const clock = localClock(instant, location.timeZone);
		if (!isOpenAt(location.openingHours, clock)) continue;
		let day = days.at(-1);
		if (day?.date !== clock.date) {
			const label = dayLabel(instant);
			day = {
				date: clock.date,
				label: isToday(clock.date, location, now) ? t("hours.today", { label }) : label,
				slots: [],
			};
			days.push(day);
		}
		day.slots.push({ value: instant.toISOString(), label: clock.time });
	}
	return days;
}

function isToday(date: string, location: LocationSummary, now: Date): boolean {
	return localClock(now, location.timeZone).date === date;
}
