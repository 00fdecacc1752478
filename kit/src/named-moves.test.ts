import { GraphQLError } from 'graphql';
import { namedMoves } from './named-moves';

type Light = 'OFF' | 'ON' | 'BROKEN';
const next = namedMoves<Light, 'switchOn' | 'switchOff'>('lamp', {
  switchOn: { from: 'OFF', to: 'ON' },
  switchOff: { from: 'ON', to: 'OFF' },
});

describe('namedMoves', () => {
  it('gives the status after a move made from its one starting status', () => {
    expect(next('OFF', 'switchOn')).toBe('ON');
    expect(next('ON', 'switchOff')).toBe('OFF');
  });

  it.each([
    ['ON', 'switchOn'],
    ['OFF', 'switchOff'],
    ['BROKEN', 'switchOn'],
  ] as const)(
    'refuses %s → %s with CONFLICT (INVALID_STATUS), the message naming the current status',
    (current, move) => {
      let refusal: unknown;
      try {
        next(current, move);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(GraphQLError);
      expect((refusal as GraphQLError).extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect((refusal as GraphQLError).message).toMatch(new RegExp(`^Cannot ${move} a lamp that is ${current}`));
    },
  );
});
