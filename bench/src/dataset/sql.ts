/** SQL expressions the data set's statements are built from: every value derives from a row number. */
export const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
export const textArray = (items: readonly string[]) => `ARRAY[${items.map(quote).join(', ')}]::text[]`;
export const intArray = (items: readonly number[]) => `ARRAY[${items.join(', ')}]::int[]`;
/** 0 … 2^32−1 from md5 of salt and key. */
export const hash = (salt: string, key: string) =>
  `(('x' || substr(md5('${salt}:' || (${key})::text), 1, 8))::bit(32)::bigint)`;
/** The uuid datasetId(kind, key) gives. */
export const id = (kind: string, key: string) => `md5('bench:${kind}:' || (${key})::text)::uuid`;
export const pick = (array: string, length: number, salt: string, key: string) =>
  `(${array})[1 + ${hash(salt, key)} % ${length}]`;
export const pickText = (items: readonly string[], salt: string, key: string) =>
  pick(textArray(items), items.length, salt, key);
/** Epoch milliseconds → timestamptz (exact to the millisecond). */
export const ts = (ms: string) => `to_timestamp((${ms})::float8 / 1000)`;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
