/** JSON columns come back parsed from PostgreSQL and as text from SQLite. */
export function fromJsonColumn<T = unknown>(value: unknown): T {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return value as T;
    }
  }
  return value as T;
}
