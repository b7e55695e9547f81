#!/usr/bin/env node
// A small COCO detection dataset of real photographs, for trying training on a custom dataset
// the way a user would (`pnpm nx train retinanet --data data/photos`). The photos are sample
// images shipped by Debian packages (see tools/README.md for sources and licences): coins
// (scikit-image), candies and bars (OpenCV). Each photo shows its objects on a plain
// background, so the boxes are found automatically: a fixed threshold, a morphological
// close/open and 8-connected components (tools/photo-segmentation.mjs, per photo). The counts
// are checked against what we verified by eye, so a changed photo or method fails loudly
// instead of mislabelling.
//
// From each photo: an axis-aligned cut that crosses no object keeps about 30 % of its objects
// for val and the rest for train; each split gets its whole region plus random crops that cut
// no object, each rotated by a multiple of 90° and scaled so its longer side is 320–900 px
// (JPEG, quality 90). Deterministic for a seed. The images are not committed; this regenerates
// them.
//
//   node tools/make-photo-dataset.mjs [--out data/photos] [--seed 0] [--train-per-photo 20]
//       [--val-per-photo 6] [--force] [--install | --fetch] [--cache data/.photo-sources]
//
// The photos are read from the installed Debian packages, or from --cache after --fetch
// (apt-get download + dpkg-deb: no root, no dependencies). Without them it prints the
// apt-get command it needs; --install runs it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { register } from 'tsx/esm/api';
import { findBars, findCandies, findCoins } from './photo-segmentation.mjs';

// The project's one PRNG and CLI helpers are TypeScript sources: loaded through tsx.
register();
const { Rng } = await import('@apdet/rng');
const { helpText, integerOption, parseCommandLine } = await import('@apdet/io');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharp = createRequire(path.join(ROOT, 'packages/data/package.json'))('sharp');

const PHOTOS = [
  {
    name: 'coins',
    category: 'coin',
    pkg: 'python3-skimage',
    file: '/usr/lib/python3/dist-packages/skimage/data/coins.png',
    license: 1,
    expected: 24,
    find: findCoins,
  },
  {
    name: 'smarties',
    category: 'candy',
    pkg: 'opencv-doc',
    file: '/usr/share/doc/opencv-doc/examples/data/smarties.png',
    license: 2,
    expected: 14,
    find: findCandies,
  },
  {
    name: 'pca_test1',
    category: 'bar',
    pkg: 'opencv-doc',
    file: '/usr/share/doc/opencv-doc/examples/data/pca_test1.jpg',
    license: 2,
    expected: 6,
    find: findBars,
  },
];
const CATEGORIES = [...new Set(PHOTOS.map((p) => p.category))];
const LICENSES = [
  { id: 1, name: 'BSD-3-Clause (scikit-image); photo: Brooklyn Museum, no known copyright restrictions', url: '' },
  { id: 2, name: 'Apache-2.0 AND BSD-3-Clause (OpenCV sample data, Debian opencv-doc)', url: '' },
];
const PACKAGES = [...new Set(PHOTOS.map((p) => p.pkg))];
const VAL_FRACTION = 0.3;

const program = new Command('make-photo-dataset')
  .description('A small COCO dataset of real photographs from Debian packages (see tools/README.md).')
  .option('--out <dir>', 'output dataset folder', 'data/photos')
  .option('--seed <n>', 'crop seed', integerOption('--seed', 0), 0)
  .option('--train-per-photo <n>', 'random train crops per photo', integerOption('--train-per-photo', 0), 20)
  .option('--val-per-photo <n>', 'random val crops per photo', integerOption('--val-per-photo', 0), 6)
  .option('--cache <dir>', 'where --fetch unpacks the packages', 'data/.photo-sources')
  .option('--install', 'apt-get install the source packages (root)', false)
  .option('--fetch', 'apt-get download the source packages into --cache (no root)', false)
  .option('--force', 'replace a non-empty --out', false)
  .helpOption('-h, --help', 'show this help');
try {
  if (parseCommandLine(program, process.argv.slice(2), 'node tools/make-photo-dataset.mjs').help) {
    process.stdout.write(helpText(program));
    process.exit(0);
  }
} catch (error) {
  fail(error.message);
}
const opts = program.opts();
const args = {
  ...opts,
  'train-per-photo': opts.trainPerPhoto,
  'val-per-photo': opts.valPerPhoto,
};

const sources = resolveSources();
const out = path.resolve(args.out);
if (existsSync(out) && readdirSync(out).length > 0 && !args.force)
  fail(`${args.out} exists and is not empty (--force replaces it)`);
const temp = `${out}.tmp-${process.pid}`;
rmSync(temp, { recursive: true, force: true });
const json = { train: newCoco('train'), val: newCoco('val') };
for (const split of ['train', 'val']) mkdirSync(path.join(temp, split), { recursive: true });
for (const [p, photo] of PHOTOS.entries()) {
  const file = sources[p];
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) fail(`${file}: expected RGB after conversion, got ${info.channels} channels`);
  const objects = await photo.find(file);
  if (objects.length !== photo.expected) fail(`${file}: found ${objects.length} objects, expected ${photo.expected}`);
  const { train, val } = splitRegions(objects, info.width, info.height);
  const rgb = { data, width: info.width, height: info.height };
  const rng = Rng.from(Number(args.seed), p);
  const perSplit = { train: Number(args['train-per-photo']), val: Number(args['val-per-photo']) };
  for (const [split, region] of [
    ['train', train],
    ['val', val],
  ]) {
    for (let i = 0; i < perSplit[split]; i++) {
      const crop =
        i === 0 ? { ...region, objects: objects.filter((o) => inside(o, region)) } : randomCrop(rng, region, objects);
      await writeImage(
        json[split],
        path.join(temp, split),
        `${photo.name}-${String(i).padStart(3, '0')}.jpg`,
        rgb,
        crop,
        rng,
        photo,
      );
    }
  }
  json.train.info.sources.push({
    file: photo.file,
    package: photo.pkg,
    sha256: sha256(readFileSync(file)),
    objects: objects.length,
  });
}
for (const split of ['train', 'val']) {
  json[split].info.sources = json.train.info.sources;
  writeFileSync(path.join(temp, `instances_${split}.json`), JSON.stringify(json[split]));
}
rmSync(out, { recursive: true, force: true });
mkdirSync(path.dirname(out), { recursive: true });
renameSync(temp, out);
for (const split of ['train', 'val']) {
  const counts = CATEGORIES.map(
    (c, k) => `${json[split].annotations.filter((a) => a.category_id === k + 1).length} ${c}`,
  );
  console.log(
    `${split}: ${json[split].images.length} images, ${json[split].annotations.length} boxes (${counts.join(', ')})`,
  );
}
console.log(`wrote ${args.out}/instances_train.json, instances_val.json, train/, val/`);

/** The photos' paths: installed, or in the cache from --fetch; installs or fetches when asked. */
function resolveSources() {
  const cached = (photo) => path.join(path.resolve(args.cache), photo.pkg, photo.file);
  const find = () => PHOTOS.map((photo) => [photo.file, cached(photo)].find((f) => existsSync(f)));
  if (find().every(Boolean)) return find();
  const command = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
  if (args.install) execFileSync('sh', ['-c', command], { stdio: 'inherit' });
  else if (args.fetch) fetchPackages(cached);
  else {
    fail(
      `the photos come from Debian packages ${PACKAGES.join(', ')}; install them with\n  ${command}\n` +
        `or rerun with --install (runs that), or --fetch (apt-get download into ${args.cache}, no root needed)`,
    );
  }
  const found = find();
  if (!found.every(Boolean))
    fail(
      `still missing: ${PHOTOS.filter((_, i) => !found[i])
        .map((p) => p.file)
        .join(', ')}`,
    );
  return found;
}

/** apt-get download + dpkg-deb: only the photos are extracted, into <cache>/<package>/. */
function fetchPackages(cached) {
  const cache = path.resolve(args.cache);
  mkdirSync(cache, { recursive: true });
  execFileSync('apt-get', ['download', ...PACKAGES], { cwd: cache, stdio: 'inherit' });
  for (const photo of PHOTOS) {
    const deb = readdirSync(cache).find((f) => f.startsWith(`${photo.pkg}_`) && f.endsWith('.deb'));
    if (deb === undefined) fail(`apt-get download did not leave a ${photo.pkg} .deb in ${args.cache}`);
    const target = path.join(cache, photo.pkg);
    mkdirSync(target, { recursive: true });
    execFileSync('sh', [
      '-c',
      `dpkg-deb --fsys-tarfile "$0" | tar -x -C "$1" "./${photo.file.slice(1)}"`,
      path.join(cache, deb),
      target,
    ]);
    if (!existsSync(cached(photo))) fail(`${deb} has no ${photo.file}`);
  }
  for (const f of readdirSync(cache).filter((name) => name.endsWith('.deb'))) rmSync(path.join(cache, f));
}

/** Train and val regions of a photo: the cut crossing no object that leaves closest to 30 % of them for val. */
function splitRegions(objects, width, height) {
  let best = null;
  for (const [axis, size] of [
    [0, width],
    [1, height],
  ]) {
    for (let at = 1; at < size; at++) {
      if (objects.some((o) => o.box[axis] < at && at < o.box[axis + 2])) continue;
      const before = objects.filter((o) => o.box[axis + 2] <= at).length;
      for (const valBefore of [true, false]) {
        const n = valBefore ? before : objects.length - before;
        if (n === 0 || n === objects.length) continue;
        const score =
          Math.abs(n / objects.length - VAL_FRACTION) +
          Math.abs(at / size - (valBefore ? VAL_FRACTION : 1 - VAL_FRACTION)) / 100;
        if (best === null || score < best.score) best = { score, axis, at, valBefore };
      }
    }
  }
  if (best === null) fail('no cut separates the objects');
  const whole = { x: 0, y: 0, w: width, h: height };
  const a = best.axis === 0 ? { ...whole, w: best.at } : { ...whole, h: best.at };
  const b =
    best.axis === 0 ? { ...whole, x: best.at, w: width - best.at } : { ...whole, y: best.at, h: height - best.at };
  return best.valBefore ? { val: a, train: b } : { val: b, train: a };
}

function inside(o, r) {
  return o.box[0] >= r.x && o.box[1] >= r.y && o.box[2] <= r.x + r.w && o.box[3] <= r.y + r.h;
}

/**
 * A random crop of the region: sides ≥ 96 px (or the region's), aspect ratio within 1:2–2:1 (or
 * the region's), with ≥ 1 object, and every object it touches at least half inside (by box
 * area; such a box is clipped to the crop, as COCO boxes cover the visible part).
 */
function randomCrop(rng, region, objects) {
  const min = (side) => Math.min(side, Math.max(96, Math.round(0.3 * side)));
  const aspect = region.w / region.h;
  const [lo, hi] = [Math.min(0.5, aspect), Math.max(2, aspect)];
  for (let attempt = 0; attempt < 100000; attempt++) {
    const w = rng.int(min(region.w), region.w + 1);
    const h = rng.int(min(region.h), region.h + 1);
    if (w / h < lo || w / h > hi) continue;
    const crop = { x: region.x + rng.int(0, region.w - w + 1), y: region.y + rng.int(0, region.h - h + 1), w, h };
    const visible = objects.map((o) => clipToCrop(o, crop)).filter((o) => o !== null);
    if (visible.length > 0 && visible.every((o) => o.fraction >= 0.5)) return { ...crop, objects: visible };
  }
  return fail('no crop found');
}

/** The object's box clipped to the crop, its area scaled by the visible fraction of the box; null when outside. */
function clipToCrop(o, crop) {
  const [x1, y1] = [Math.max(o.box[0], crop.x), Math.max(o.box[1], crop.y)];
  const [x2, y2] = [Math.min(o.box[2], crop.x + crop.w), Math.min(o.box[3], crop.y + crop.h)];
  if (x2 <= x1 || y2 <= y1) return null;
  const fraction = ((x2 - x1) * (y2 - y1)) / ((o.box[2] - o.box[0]) * (o.box[3] - o.box[1]));
  return { box: [x1, y1, x2, y2], area: o.area * fraction, fraction };
}

/** Crops, rotates by k·90° (clockwise) and scales one image; appends its record and boxes. */
async function writeImage(coco, dir, fileName, rgb, crop, rng, photo) {
  const turns = rng.int(0, 4);
  const { data, info } = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .extract({ left: crop.x, top: crop.y, width: crop.w, height: crop.h })
    .rotate(90 * turns)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const scale = Math.min(2.5, Math.max(0.5, rng.int(320, 901) / Math.max(info.width, info.height)));
  const [width, height] = [Math.round(info.width * scale), Math.round(info.height * scale)];
  const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .jpeg({ quality: 90, mozjpeg: false })
    .toBuffer();
  writeFileSync(path.join(dir, fileName), jpeg);
  const id = coco.images.length + 1;
  coco.images.push({ id, file_name: fileName, width, height, license: photo.license });
  const [sx, sy] = [width / info.width, height / info.height];
  for (const o of crop.objects) {
    // Crop coordinates, then the rotation (a clockwise quarter turn maps (x, y) to (H − y, x)).
    let [x1, y1, x2, y2] = [o.box[0] - crop.x, o.box[1] - crop.y, o.box[2] - crop.x, o.box[3] - crop.y];
    let [w, h] = [crop.w, crop.h];
    for (let t = 0; t < turns; t++) {
      [x1, y1, x2, y2] = [h - y2, x1, h - y1, x2];
      [w, h] = [h, w];
    }
    const bbox = [x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy].map((v) => Math.round(v * 100) / 100);
    const area = Math.round(o.area * sx * sy);
    coco.annotations.push({
      id: coco.annotations.length + 1,
      image_id: id,
      category_id: CATEGORIES.indexOf(photo.category) + 1,
      bbox,
      area,
      iscrowd: 0,
    });
  }
}

function newCoco(split) {
  return {
    info: {
      description: `apdet photo dataset (${split}), made by tools/make-photo-dataset.mjs`,
      seed: Number(args.seed),
      sources: [],
    },
    licenses: LICENSES,
    images: [],
    annotations: [],
    categories: CATEGORIES.map((name, i) => ({ id: i + 1, name, supercategory: 'object' })),
  };
}

/** xorshift32 seeded from (seed, stream) through a multiplicative hash; `int(lo, hi)` is in [lo, hi). */
function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function fail(message) {
  process.stderr.write(`make-photo-dataset: ${message}\n`);
  process.exit(1);
}
