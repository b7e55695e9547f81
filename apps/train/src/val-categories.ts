/**
 * Which val sets a model can be evaluated on. Detections are labelled with the model's classes
 * (label i → `classes[i].id`, the training set's categories), never through the val file's own
 * category list, and COCO evaluation matches detections to ground truth by category id. So a val
 * set is mapped by id: each of its categories must be one of the model's classes, with the same
 * name. A model class the val file lacks is fine (its detections keep their id and are not
 * scored: pycocotools ignores detections of categories not in the ground truth, as
 * packages/coco-eval/src/detections.ts does, with a warning in eval.json); a val
 * category the model does not have, or an id that names another class, would score detections
 * against the wrong objects, so it is refused in one line, before training or detection.
 */
import { UserError } from '@apdet/io';
import type { ClassInfo } from '@apdet/detector';

/**
 * Checks that the val categories map onto the model's classes by id; returns the model classes
 * the val file lacks (for a log line), or throws a one-line UserError naming the first problem.
 *
 * @example
 * missingValClasses(classes, val.index.categories, 'data/x/instances_val.json'); // [{ id: 3, name: 'triangle' }]
 */
export function missingValClasses(
  classes: readonly ClassInfo[],
  valCategories: readonly { id: number; name: string }[],
  valFile: string,
): ClassInfo[] {
  const byId = new Map(classes.map((c) => [c.id, c]));
  for (const category of valCategories) {
    const own = byId.get(category.id);
    if (own === undefined) {
      throw new UserError(
        `${valFile}: category ${category.id} ('${category.name}') is not one of the model's classes ` +
          `(${describeClasses(classes)}); evaluate on a val set with the training set's category ids`,
      );
    }
    if (own.name !== category.name) {
      throw new UserError(
        `${valFile}: category ${category.id} is '${category.name}' there but '${own.name}' in the model's classes ` +
          `(${describeClasses(classes)}); the val and training files must give each id the same name`,
      );
    }
  }
  const present = new Set(valCategories.map((c) => c.id));
  return classes.filter((c) => !present.has(c.id));
}

/** `1 circle, 2 square, …`. */
function describeClasses(classes: readonly ClassInfo[]): string {
  const shown = classes.slice(0, 8).map((c) => `${c.id} ${c.name}`);
  return `${shown.join(', ')}${classes.length > 8 ? `, … ${classes.length} in all` : ''}`;
}

/** The log line for model classes a val set lacks, or null when it has them all. */
export function missingClassesNote(missing: readonly ClassInfo[], valFile: string): string | null {
  if (missing.length === 0) return null;
  const names = missing.map((c) => `${c.id} ${c.name}`).join(', ');
  return `note: ${valFile} has no category ${names}: detections of ${missing.length === 1 ? 'that class keep its id' : 'those classes keep their ids'} and are not scored`;
}
