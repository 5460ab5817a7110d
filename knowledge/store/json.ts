// JSON columns come back parsed from PostgreSQL and as text from SQLite. (The
// core has the same helper; knowledge/ may not import core/, so it keeps its own.)
export function readJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}
