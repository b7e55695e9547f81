/**
 * Seeded COCO-like data: a ground truth shaped like COCO val (non-contiguous category ids,
 * large unsorted image ids, ~7 objects per image, 1% crowd, `area` below w·h as for masks)
 * and a results list of a plausible detector (localised hits, duplicates, class confusions,
 * background false positives, a fixed number of detections per image). No oracle: used for
 * speed and for invariance tests.
 */
import { Rng } from '@apdet/rng';

export interface SyntheticOptions {
  readonly seed: number;
  readonly images: number;
  readonly categories: number;
  readonly detectionsPerImage: number;
}

export interface SyntheticCoco {
  readonly gt: { images: object[]; categories: object[]; annotations: object[] };
  readonly dt: { image_id: number; category_id: number; bbox: number[]; score: number }[];
}

const COCO_MISSING_IDS = new Set([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function generateSynthetic(options: SyntheticOptions): SyntheticCoco {
  const rng = Rng.from(options.seed); // the project's one PRNG, so runs are reproducible everywhere
  const random = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const categoryIds: number[] = [];
  for (let id = 1; categoryIds.length < options.categories; id++) if (!COCO_MISSING_IDS.has(id)) categoryIds.push(id);
  const imageIds = new Set<number>();
  while (imageIds.size < options.images) imageIds.add(1 + Math.floor(random() * 600_000));
  const images: object[] = [];
  const annotations: object[] = [];
  const dt: SyntheticCoco['dt'] = [];
  let annId = 1;
  for (const imageId of imageIds) {
    const width = 480 + Math.floor(random() * 161);
    const height = 360 + Math.floor(random() * 281);
    images.push({ id: imageId, width, height, file_name: `${imageId}.jpg` });
    const present = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(categoryIds));
    const box = () => {
      const w = Math.exp(Math.log(6) + random() * (Math.log(width * 0.8) - Math.log(6)));
      const h = Math.min(height - 1, w * (0.5 + random()));
      return [round(random() * (width - w), 2), round(random() * (height - h), 2), round(w, 2), round(h, 2)];
    };
    const dets: SyntheticCoco['dt'] = [];
    const objects = 1 + Math.floor(random() * 14);
    for (let o = 0; o < objects; o++) {
      const bbox = box();
      const categoryId = pick(present);
      const iscrowd = random() < 0.01 ? 1 : 0;
      annotations.push({
        id: annId++,
        image_id: imageId,
        category_id: categoryId,
        bbox,
        area: round(bbox[2] * bbox[3] * (0.5 + 0.45 * random()), 2),
        iscrowd,
      });
      const hits = random() < 0.85 ? 1 + Math.floor(random() * 3) : 0;
      for (let h = 0; h < hits && dets.length < options.detectionsPerImage; h++) {
        const j = () => 1 + (random() - 0.5) * 0.3;
        const jittered = [
          bbox[0] + (random() - 0.5) * 0.15 * bbox[2],
          bbox[1] + (random() - 0.5) * 0.15 * bbox[3],
          bbox[2] * j(),
          bbox[3] * j(),
        ].map((v) => round(Math.max(0, v), 2));
        const confused = random() < 0.1;
        dets.push({
          image_id: imageId,
          category_id: confused ? pick(categoryIds) : categoryId,
          bbox: jittered,
          score: round(0.3 + 0.7 * random(), 4),
        });
      }
    }
    while (dets.length < options.detectionsPerImage) {
      const categoryId = random() < 0.6 ? pick(present) : pick(categoryIds);
      dets.push({ image_id: imageId, category_id: categoryId, bbox: box(), score: round(random() * 0.6, 4) });
    }
    dets.sort((a, b) => b.score - a.score);
    dt.push(...dets);
  }
  const categories = categoryIds.map((id) => ({ id, name: `category_${id}`, supercategory: 'thing' }));
  return { gt: { images, categories, annotations }, dt };
}
