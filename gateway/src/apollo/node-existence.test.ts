import { parse, print } from 'graphql';
import { withProbes } from './node-existence';

const PROBES = { Product: 'name', Order: 'status' };

describe('node existence probes', () => {
  it('adds one aliased probe per type to every root node/nodes selection, and names their response keys', () => {
    const { document, keys } = withProbes(
      parse('query Q($id: ID!) { me { id } item: node(id: $id) { id } nodes(ids: [$id]) { __typename } }'),
      PROBES,
    );
    expect([...keys]).toEqual(['item', 'nodes']);
    const printed = print(document).replace(/\s+/g, ' ');
    expect(printed).toContain('me { id }');
    expect(printed).toContain(
      'item: node(id: $id) { id ... on Product { _nodeExistsProduct: name } ... on Order { _nodeExistsOrder: status } }',
    );
    expect(printed).toContain(
      'nodes(ids: [$id]) { __typename ... on Product { _nodeExistsProduct: name } ... on Order { _nodeExistsOrder: status } }',
    );
  });

  it('leaves other operations alone (the same document)', () => {
    const original = parse('{ me { id } } mutation M { logout { sessionEnded } }');
    const { document, keys } = withProbes(original, PROBES);
    expect(keys.size).toBe(0);
    expect(print(document)).toBe(print(original));
  });
});
