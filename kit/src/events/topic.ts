/** AMQP topic matching: `*` is exactly one word, `#` zero or more. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const words = routingKey.split('.');
  const parts = pattern.split('.');
  const match = (p: number, w: number): boolean => {
    if (p === parts.length) return w === words.length;
    if (parts[p] === '#') return match(p + 1, w) || (w < words.length && match(p, w + 1));
    return w < words.length && (parts[p] === '*' || parts[p] === words[w]) && match(p + 1, w + 1);
  };
  return match(0, 0);
}
