import { DocumentNode, FragmentDefinitionNode, Kind } from 'graphql';

/** A document's fragment definitions by name, for walks that follow spreads outside a ValidationContext. */
export function fragmentsByName(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}
