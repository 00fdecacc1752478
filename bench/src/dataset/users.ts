import type { EntityManager } from 'typeorm';
import { DATASET_EMAIL_DOMAIN } from './model';
import type { Plan } from './plan';
import { DAY, HOUR, MINUTE, pickText, ts } from './sql';
import type { Step } from './transaction';

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'Donald',
  'Hedy',
  'John',
  'Sophie',
  'Guido',
  'Anita',
  'Bjarne',
  'Jean',
  'Niklaus',
  'Karen',
  'James',
  'Shafi',
  'Yukihiro',
  'Mary',
  'Leslie',
  'Lynn',
  'Brian',
  'Carol',
  'Whitfield',
  'Evelyn',
  'Vint',
  'Adele',
  'Rasmus',
  'Marissa',
  'Larry',
  'Susan',
  'Robin',
  'Joan',
  'Andrew',
  'Elena',
  'Omar',
  'Priya',
  'Mateo',
  'Yara',
  'Kofi',
  'Ingrid',
  'Hiro',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'Knuth',
  'Lamarr',
  'McCarthy',
  'Wilson',
  'van Rossum',
  'Borg',
  'Stroustrup',
  'Sammet',
  'Wirth',
  'Jones',
  'Gosling',
  'Goldwasser',
  'Matsumoto',
  'Keller',
  'Lamport',
  'Conway',
  'Kernighan',
  'Shaw',
  'Diffie',
  'Berezin',
  'Cerf',
  'Goldberg',
  'Lerdorf',
  'Mayer',
  'Page',
  'Kare',
  'Milner',
  'Clarke',
  'Tanenbaum',
  'Petrova',
  'Haddad',
  'Raman',
  'Garcia',
  'Nasser',
  'Mensah',
  'Larsen',
  'Tanaka',
];

/** The email of user number `g` (the orders subgraph's replica of emails derives it alike). */
export function userEmail(plan: Plan, g: string): string {
  const { vendors: V, admins: A } = plan.c;
  return `CASE WHEN ${g} <= ${V} THEN 'vendor' || ${g} WHEN ${g} <= ${V + A} THEN 'admin' || (${g} - ${V}) ELSE 'user' || (${g} - ${V + A}) END || '@${DATASET_EMAIL_DOMAIN}'`;
}

export async function loadUsers(manager: EntityManager, step: Step, plan: Plan, passwordHash: string) {
  const { users: U, vendors: V, admins: A, customers: C } = plan.c;
  await step('users', () =>
    manager.query(
      `INSERT INTO users (id, email, display_name, password_hash, role, email_verified_at, created_at, updated_at)
       SELECT ${plan.userId('g')},
              ${userEmail(plan, 'g')},
              ${pickText(FIRST_NAMES, 'ufirst', 'g')} || ' ' || ${pickText(LAST_NAMES, 'ulast', 'g')},
              $1,
              CASE WHEN g <= ${V} THEN 'VENDOR' WHEN g <= ${V + A} THEN 'ADMIN' ELSE 'CUSTOMER' END,
              ${ts(`created_ms + ${10 * MINUTE}`)}, ${ts('created_ms')},
              ${ts(`CASE WHEN g <= ${V} THEN created_ms + ${DAY} + 100 ELSE created_ms + ${10 * MINUTE} END`)}
       FROM (SELECT g, CASE WHEN g <= ${V} THEN ${plan.vendorUsersFrom} + floor((g - 1)::float8 / ${V} * ${plan.vendorUsersSpan})
                            WHEN g <= ${V + A} THEN ${plan.vendorUsersFrom - 20 * DAY} + (g - ${V}) * ${HOUR}
                            ELSE ${plan.customersFrom} + floor((g - ${V + A} - 1)::float8 / ${C} * ${plan.customersSpan}) END::bigint AS created_ms
             FROM generate_series(1, ${U}) g) u
       ORDER BY g`,
      [passwordHash],
    ),
  );
}
