// A tiny observable value and a hook that re-renders on change.
import { useEffect, useState } from "preact/hooks";

export interface Signalish<T> { get(): T; set(v: T): void; sub(f: () => void): () => void; }

export function signalish<T>(initial: T): Signalish<T> {
  let v = initial;
  const subs = new Set<() => void>();
  return {
    get: () => v,
    set: (nv: T) => { v = nv; subs.forEach((f) => f()); },
    sub: (f) => { subs.add(f); return () => subs.delete(f); },
  };
}

export function useValue<T>(s: Signalish<T>): T {
  const [, force] = useState(0);
  useEffect(() => s.sub(() => force((n) => n + 1)), [s]);
  return s.get();
}
