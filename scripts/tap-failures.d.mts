// Types of tap-failures.mjs, for the TypeScript test that uses it.
export function failureCollector(): { line(line: string): void; report(): string[] }
