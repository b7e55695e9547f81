import type { CategoryAp, EvalParams, NdArray } from '@apdet/coco-eval';

/**
 * The parts of a COCO evaluation a report uses. A `CocoEvalResult` from `@apdet/coco-eval`
 * (e.g. `evaluateCoco(gt, dt)`) has all of them and can be passed as is.
 */
export interface ReportEvaluation {
  /** pycocotools' 12 summary stats (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl); -1 = undefined. */
  readonly stats: readonly number[];
  /** `precision[T, R, K, A, M]`, row-major, -1 where undefined. */
  readonly precision: NdArray;
  /**
   * `scores[T, R, K, A, M]`: the score at which each recall threshold is reached (for the
   * F1-optimal drawing threshold; optional).
   */
  readonly scores?: NdArray;
  /** Category ids and names in K order. */
  readonly categoryIds: readonly number[];
  readonly categoryNames: readonly string[];
  readonly params: Pick<EvalParams, 'iouThrs' | 'recThrs' | 'areaRanges' | 'maxDets'>;
  /** Per-category AP and AP50 (area all, maxDets 100). */
  readonly perCategory: readonly Pick<CategoryAp, 'name' | 'ap' | 'ap50'>[];
}

/** Facts about the run shown at the top of summary.md. */
export interface RunFacts {
  /** Run name (e.g. the run folder's name). */
  readonly run: string;
  /** Config name, e.g. `retinanet-tiny`. */
  readonly config: string;
  /** Loss name, e.g. `param-ap` or `focal+l1`. */
  readonly loss: string;
  /** Optimisation steps done (NaN: unknown, shown as such). */
  readonly iterations: number;
  /** Training wall time (NaN: unknown). */
  readonly trainMinutes: number;
  /** Compute backend, e.g. `wasm`. */
  readonly backend: string;
  /** Which checkpoint was evaluated (e.g. `latest.safetensors`), if known. */
  readonly checkpoint?: string;
  /** Number of val images evaluated, if known. */
  readonly valImages?: number;
  /** Anything else worth a line (shown in insertion order). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/** A COCO `[x, y, width, height]` box in original image pixels. */
export type CocoBox = readonly [number, number, number, number];

export interface GroundTruthBox {
  readonly image_id: number;
  readonly category_id: number;
  readonly bbox: CocoBox;
  readonly iscrowd?: number;
}

/** A record of the COCO results format (`detections.json`). */
export interface DetectionBox {
  readonly image_id: number;
  readonly category_id: number;
  readonly bbox: CocoBox;
  readonly score: number;
}

export interface ImageInfo {
  readonly id: number;
  /** Relative to `imageDir`. */
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
}

/** What to draw on the prediction images. */
export interface PredictionInput {
  readonly imageDir: string;
  /** The images to draw, in order (the report draws at most 8). */
  readonly images: readonly ImageInfo[];
  /** Ground truth (may hold other images' boxes too; those are ignored). */
  readonly annotations: readonly GroundTruthBox[];
  /** Detections (may hold other images' too). */
  readonly detections: readonly DetectionBox[];
  readonly categories: readonly { readonly id: number; readonly name: string }[];
}
