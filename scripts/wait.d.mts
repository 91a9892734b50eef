// Types of wait.mjs, for the TypeScript tests that use it.
export function sleep(ms: number): Promise<void>
export function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number>
