/**
 * Fixed ids of the demo data `npm start` seeds, shared by every subgraph's seed so the
 * seeds agree without reading each other's schemas.
 */
export const DemoIds = {
  users: {
    admin: '00000000-0000-4000-8000-00000000a001',
    ada: '00000000-0000-4000-8000-00000000a002',
    grace: '00000000-0000-4000-8000-00000000a003',
    alan: '00000000-0000-4000-8000-00000000a004',
  },
  vendors: {
    ada: '00000000-0000-4000-8000-00000000b001',
    grace: '00000000-0000-4000-8000-00000000b002',
  },
} as const;
