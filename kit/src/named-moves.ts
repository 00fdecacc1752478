import { conflict } from './errors';

/** One named move of a status machine: it starts from exactly one status. */
export interface NamedMove<S extends string> {
  from: S;
  to: S;
}

/**
 * A status machine whose moves are named and each start from one status (an admin's
 * approve, reject, pay): the returned function gives the status after a move, or throws
 * CONFLICT with reason INVALID_STATUS (the message names the current status), so a move is
 * made once.
 */
export function namedMoves<S extends string, Name extends string>(
  subject: string,
  moves: Readonly<Record<Name, NamedMove<S>>>,
): (current: S, name: Name) => S {
  return (current, name) => {
    const move = moves[name];
    if (current !== move.from) {
      throw conflict(
        `Cannot ${name} a ${subject} that is ${current}; only a ${move.from} ${subject} can be`,
        'INVALID_STATUS',
      );
    }
    return move.to;
  };
}
