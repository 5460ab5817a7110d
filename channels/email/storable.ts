// PostgreSQL refuses NUL characters in text (SQLite takes them), and mail can
// carry them anywhere: headers, bodies, file names. Everything the pipeline
// stores goes through here first. The stored original keeps the real bytes.
export function storableText(value: string): string {
  return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
}

/** Strips NUL characters from every string in a plain JSON-like value. */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => storable(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, storable(v)])) as T;
  }
  return value;
}
