/** The COCO "instances" JSON as it appears on disk (only the fields apdet reads). */
export interface CocoJson {
  info?: unknown;
  licenses?: unknown[];
  images: CocoJsonImage[];
  annotations: CocoJsonAnnotation[];
  categories: CocoJsonCategory[];
}

export interface CocoJsonImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  [key: string]: unknown;
}

export interface CocoJsonAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** [x, y, width, height] in pixels, top-left origin. */
  bbox: [number, number, number, number];
  area?: number;
  iscrowd?: 0 | 1;
  [key: string]: unknown;
}

export interface CocoJsonCategory {
  id: number;
  name: string;
  supercategory?: string;
  [key: string]: unknown;
}

/** One finding of {@link validateCoco}. `record` names where, e.g. `annotations[17] (id 42)`. */
export interface CocoProblem {
  severity: 'error' | 'warning';
  kind: CocoProblemKind;
  record: string;
  message: string;
}

export type CocoProblemKind =
  | 'not-an-object'
  | 'missing-field'
  | 'wrong-type'
  | 'non-finite-box'
  | 'non-positive-box'
  | 'box-outside-image'
  | 'unknown-image-id'
  | 'unknown-category-id'
  | 'duplicate-id'
  | 'duplicate-name'
  | 'file-outside-image-folder'
  | 'missing-image-file'
  | 'unreadable-image'
  | 'image-size-mismatch';
