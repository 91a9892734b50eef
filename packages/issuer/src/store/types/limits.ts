// Limit counters (DESIGN.md, "Accounts": "Every limit (per address, per
// account, in all) is counted in the store, shared by every process and
// machine, under a fixed-size hash of its key, deleted when its hour
// ends"). A counter lives in a fixed window that ends at `windowEnd`; a
// later window starts it again from zero. Reusable by any feature that
// needs a bound over a window.

export interface LimitCounterRecord {
  keyHash: string
  count: number
  windowEnd: number
}

export interface LimitStore {
  /**
   * Counts one for `keyHash` in the window ending at `windowEnd`, only when
   * fewer than `limit` were counted in it (one atomic statement: of
   * concurrent takes at the bound, on any number of processes, only those
   * below it succeed). True when counted; false (nothing changed) when the
   * limit was reached.
   */
  take(keyHash: string, limit: number, windowEnd: number): Promise<boolean>
  /** How many were counted in the window that ends after `now` (0 when none). */
  count(keyHash: string, now: number): Promise<number>
  /** Deletes counters whose window has ended at `now`; returns how many went. */
  prune(now: number): Promise<number>
}
