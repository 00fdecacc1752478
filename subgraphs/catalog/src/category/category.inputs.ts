import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'A new category: its name, and where it goes in the tree.' })
export class CreateCategoryInput {
  @Field({ description: 'Display name, 1 to 80 characters.' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description:
      'URL name: 1 to 64 lower-case letters, digits and single hyphens, unique among all categories (archived ones too); derived from the name when omitted.',
  })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'What belongs in the category, up to 1,000 characters.' })
  description?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The category it belongs to (not an archived one); omitted or null: a new top-level category.',
  })
  parentCategoryId?: string | null;
}

@InputType({ description: 'A new name and/or slug for a category; an omitted field stays as it is.' })
export class RenameCategoryInput {
  @Field(() => ID, { description: 'The category to rename (not an archived one).' })
  categoryId: string;

  @Field(() => String, { nullable: true, description: 'The new display name, 1 to 80 characters.' })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The new URL name: 1 to 64 lower-case letters, digits and single hyphens, unique among all categories.',
  })
  slug?: string | null;
}

@InputType({ description: 'Where a category goes in the tree; it takes its sub-categories with it.' })
export class MoveCategoryInput {
  @Field(() => ID, { description: 'The category to move (not an archived one).' })
  categoryId: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The new parent (not the category itself, one of its sub-categories, nor an archived one); null: the top level.',
  })
  parentCategoryId?: string | null;
}

@InputType({ description: 'Which category to archive.' })
export class ArchiveCategoryInput {
  @Field(() => ID, {
    description: 'A category holding no products (but archived ones) and no sub-categories (but archived ones).',
  })
  categoryId: string;
}
