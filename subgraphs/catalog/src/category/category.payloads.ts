import { Field, ObjectType } from 'type-graphql';
import { Category } from './category.entity';

@ObjectType({ description: 'What createCategory changed.' })
export class CreateCategoryPayload {
  @Field(() => Category, { description: 'The new category (its `parent` lists it among its children).' })
  category: Category;
}

@ObjectType({ description: 'What renameCategory changed.' })
export class RenameCategoryPayload {
  @Field(() => Category, { description: 'The category under its new name and slug.' })
  category: Category;
}

@ObjectType({ description: 'What moveCategory changed.' })
export class MoveCategoryPayload {
  @Field(() => Category, { description: 'The category in its new place (its `parent` is the new parent).' })
  category: Category;

  @Field(() => Category, {
    nullable: true,
    description: 'The parent it left, whose children changed; null when it was a top-level category.',
  })
  previousParent: Category | null;
}

@ObjectType({ description: 'What archiveCategory changed.' })
export class ArchiveCategoryPayload {
  @Field(() => Category, { description: 'The archived category (`archivedAt` set).' })
  category: Category;
}
