/**
 * Whether a REST edge request may be forwarded as is: its path, once decoded, must stay
 * under the route's prefix. Anything a server, framework or storage layer behind the
 * gateway could decode or normalise into a different path is refused instead of
 * normalised here, so what the gateway checks is exactly what the subgraph routes on:
 * dot segments (`..`, `%2e%2e`), encoded slashes and backslashes (`%2f`, `%5c`, `\`),
 * a second layer of encoding (`%25`, as in `%252e`), path parameters (`;`) and control
 * characters.
 *
 * @returns why the path is refused, or `undefined` when it may be forwarded unchanged.
 */
export function pathRefusal(originalUrl: string, prefix: string): string | undefined {
  const queryAt = originalUrl.indexOf('?');
  const rawPath = queryAt === -1 ? originalUrl : originalUrl.slice(0, queryAt);
  if (/[\\;]|%(2f|5c|3b|25)/i.test(rawPath))
    return 'the path contains an encoded slash, a backslash, a semicolon or an encoded percent sign';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return 'the path is not valid percent-encoding';
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path contains control characters';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'the path contains a dot segment';
  // Express routed the request here case-insensitively; the subgraph matches the same way.
  const lower = path.toLowerCase();
  const under = prefix.toLowerCase();
  if (lower !== under && !lower.startsWith(`${under}/`)) return `the path is not under ${prefix}`;
  return undefined;
}
