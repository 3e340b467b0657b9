/** A tiny observable value shared by components, without a state library. */
import { useEffect, useState } from "preact/hooks";

export interface Store<T> {
	get(): T;
	set(next: T | ((previous: T) => T)): void;
	subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
	let value = initial;
	const listeners = new Set<() => void>();
	return {
		get: () => value,
		set(next) {
			value = typeof next === "function" ? (next as (previous: T) => T)(value) : next;
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}

/** The store's current value; the component re-renders when it changes. */
export function useStore<T>(store: Store<T>): T {
	const [, rerender] = useState(0);
	useEffect(() => store.subscribe(() => rerender((count) => count + 1)), [store]);
	return store.get();
}
