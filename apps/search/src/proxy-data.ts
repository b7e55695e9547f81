/**
 * The proxy split (docs/spec/paper-spec.md §8): the detector's training set split by image, seeded, into
 * proxy-train and a held-out proxy-val the reward is measured on. The search never looks at
 * the real val set. The split is a dataset folder in apdet-train's layout
 * (instances_train.json = proxy-train, instances_val.json = proxy-val, train/ and val/ both
 * linking to the source's training images), cached under data/ and created once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { atomicWriteJson, readJsonFile, UserError } from '@apdet/io';
import { ensureShapesDataset, splitCoco } from '@apdet/data';

/** Where a proxy split comes from; plain JSON so a remote worker can rebuild it identically. */
export interface ProxySplitSpec {
  /** Dataset folder with instances_train.json and train/ (the built-in shapes dataset by default). */
  sourceDir: string;
  /** True for the built-in shapes dataset: generated on first use when missing. */
  builtInShapes: boolean;
  /** Fraction of the training images in proxy-train (the rest is proxy-val). */
  ratio: number;
  seed: number;
  /** The split's folder. */
  dir: string;
}

export const PROXY_RATIO = 0.8;

/** The default split's spec for a search seed: `data/<source>-proxy-s<seed>` next to the source. */
export function proxySplitSpec(
  sourceDir: string,
  builtInShapes: boolean,
  seed: number,
  ratio = PROXY_RATIO,
): ProxySplitSpec {
  const dir = path.join(path.dirname(sourceDir), `${path.basename(sourceDir)}-proxy-s${seed}-r${ratio}`);
  return { sourceDir, builtInShapes, ratio, seed, dir };
}

const MARKER = 'proxy-split.json';

const inProcess = new Map<string, Promise<ProxySplitInfo>>();

export interface ProxySplitInfo {
  dir: string;
  trainImages: number;
  valImages: number;
}

/**
 * Creates the split if missing or made from another version of the source (idempotent and
 * deterministic: the same spec and source give the same files, so two processes racing to
 * create it write the same content atomically). Concurrent calls in one process share one
 * creation; a later call checks the source again.
 */
export function ensureProxySplit(
  spec: ProxySplitSpec,
  log: (line: string) => void = () => {},
): Promise<ProxySplitInfo> {
  const key = path.resolve(spec.dir);
  let pending = inProcess.get(key);
  if (pending === undefined) {
    pending = createProxySplit(spec, log).finally(() => inProcess.delete(key));
    inProcess.set(key, pending);
  }
  return pending;
}

async function createProxySplit(spec: ProxySplitSpec, log: (line: string) => void): Promise<ProxySplitInfo> {
  if (spec.builtInShapes) {
    if (!existsSync(spec.sourceDir)) log(`generating the shapes dataset in ${spec.sourceDir} (first use, about 20 s)…`);
    await ensureShapesDataset(spec.sourceDir, {}, undefined, { onOutdated: 'regenerate', log });
  }
  const input = path.join(spec.sourceDir, 'instances_train.json');
  const images = path.join(spec.sourceDir, 'train');
  for (const needed of [input, images]) {
    if (!existsSync(needed))
      throw new UserError(
        `proxy split: ${needed} is missing (the search splits the training set of ${spec.sourceDir})`,
      );
  }
  const sourceDigest = await fileDigest(input);
  const marker = path.join(spec.dir, MARKER);
  if (existsSync(marker)) {
    const saved = (await readJsonFile(marker)) as ProxySplitSpec & ProxySplitInfo & { sourceDigest?: string };
    if (
      saved.seed !== spec.seed ||
      saved.ratio !== spec.ratio ||
      path.resolve(saved.sourceDir) !== path.resolve(spec.sourceDir)
    ) {
      throw new UserError(
        `${marker}: this proxy split was made from ${saved.sourceDir} (seed ${saved.seed}, ratio ${saved.ratio}), not ${spec.sourceDir} (seed ${spec.seed}, ratio ${spec.ratio}); remove ${spec.dir} to rebuild it`,
      );
    }
    if (saved.sourceDigest === sourceDigest)
      return { dir: spec.dir, trainImages: saved.trainImages, valImages: saved.valImages };
    // The split is derived data: when its source changed (e.g. a regenerated built-in dataset),
    // the old annotation files would point at other images, so it is rebuilt, not trusted.
    log(`proxy split ${spec.dir}: ${input} changed since the split was made; rebuilding it`);
  }
  await mkdir(spec.dir, { recursive: true });
  const counts = await splitCoco({
    input,
    ratio: spec.ratio,
    seed: spec.seed,
    outTrain: path.join(spec.dir, 'instances_train.json'),
    outVal: path.join(spec.dir, 'instances_val.json'),
  });
  // Both halves are training images: link rather than copy (relative, so the data folder can move).
  const target = path.relative(spec.dir, images);
  for (const name of ['train', 'val']) await linkOnce(target, path.join(spec.dir, name));
  const info: ProxySplitInfo = { dir: spec.dir, trainImages: counts.train, valImages: counts.val };
  await atomicWriteJson(marker, { ...spec, ...info, sourceDigest, createdAt: new Date().toISOString() });
  log(
    `proxy split ${spec.dir}: ${counts.train} proxy-train / ${counts.val} proxy-val images from ${input} (seed ${spec.seed})`,
  );
  return info;
}

/** SHA-256 of a file: identifies the training set a split was made from. */
async function fileDigest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function linkOnce(target: string, link: string): Promise<void> {
  try {
    await symlink(target, link, 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process made it; it must point where ours would.
    if ((await readlink(link)) !== target)
      throw new UserError(`${link} exists and does not link to ${target}; remove it to rebuild the proxy split`);
  }
}
