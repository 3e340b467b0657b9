/** Polite announcements for screen readers: "Added Flat White", "Order confirmed". */
import { createStore } from "./store";

export const announcement = createStore("");

export function announce(message: string): void {
	// Clearing first makes a repeated message be read again.
	announcement.set("");
	setTimeout(() => announcement.set(message), 50);
}
