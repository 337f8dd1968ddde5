/**
 * Sharing work between concurrent operations of one provider process: one object per cloud
 * client and name, and an action run once for every caller that asked while it waited.
 */

const owned = new WeakMap<object, Map<string, unknown>>();

/** The object `make` builds for an owner (a cloud's client) and a name, made on first use: it lives as long as the owner. */
export function onOwner<T>(owner: object, name: string, make: () => T): T {
  const objects = owned.get(owner) ?? new Map<string, unknown>();
  owned.set(owner, objects);
  if (!objects.has(name)) objects.set(name, make());
  return objects.get(name) as T;
}

/**
 * An action whose one run serves many callers, each served only by a run that starts after its
 * call (a run already under way may not see what the caller just did): with none under way it
 * starts at once; otherwise the callers that come meanwhile share the next run, started when the
 * current one ends. A failed run fails every caller it served.
 */
export class CoalescedRun<C> {
  private current?: Promise<void>;
  private next?: { callers: C[]; done: Promise<void> };

  /** `action` gets the callers the run serves, in the order they came. */
  constructor(private readonly action: (callers: C[]) => Promise<void>) {}

  run(caller: C): Promise<void> {
    if (this.next) {
      this.next.callers.push(caller);
      return this.next.done;
    }
    if (!this.current) return this.start([caller]);
    const callers = [caller];
    const done = this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start(callers);
      });
    this.next = { callers, done };
    return done;
  }

  private start(callers: C[]): Promise<void> {
    const done: Promise<void> = this.action(callers).finally(() => {
      if (this.current === done) this.current = undefined;
    });
    this.current = done;
    return done;
  }
}
