import { parseRange } from './byte-range';

describe('parseRange', () => {
  it.each<[string | undefined, unknown]>([
    [undefined, { kind: 'whole' }],
    ['bytes=0-9', { kind: 'range', range: { start: 0, end: 9 } }],
    ['bytes=10-', { kind: 'range', range: { start: 10, end: 99 } }],
    ['bytes=-5', { kind: 'range', range: { start: 95, end: 99 } }],
    ['bytes=-500', { kind: 'range', range: { start: 0, end: 99 } }],
    ['bytes=90-1000', { kind: 'range', range: { start: 90, end: 99 } }],
    ['bytes=99-99', { kind: 'range', range: { start: 99, end: 99 } }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=100-200', { kind: 'unsatisfiable' }],
    ['bytes=9-3', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
    ['bytes=abc', { kind: 'whole' }],
  ])('%j of 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
