/**
 * A deliberately literal, slow re-statement of pycocotools' COCOeval (bbox) on plain objects:
 * dictionaries of per-(image, category) lists, per-pair loops, full rc/pr arrays, binary
 * searchsorted. It shares no code with src/ and exists to check the fast implementation on
 * inputs the oracle does not cover (full precision and scores arrays, custom parameters).
 */
export interface LiteralParams {
  iouThrs: number[];
  recThrs: number[];
  maxDets: number[];
  areaRng: [number, number][];
  useCats: boolean;
}

interface Ann {
  id: number;
  image_id: number;
  category_id: number;
  bbox: number[];
  area: number;
  iscrowd: number;
  score: number;
  ignore?: number;
}

interface EvalImg {
  dtScores: number[];
  dtMatches: number[][];
  dtIgnore: boolean[][];
  gtIgnore: number[];
}

function stableArgsortDesc(values: number[]): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : b[0] - a[0]))
    .map((p) => p[1]);
}

function iou(d: number[], g: number[], crowd: boolean): number {
  const w = Math.min(d[2] + d[0], g[2] + g[0]) - Math.max(d[0], g[0]);
  if (w <= 0) return 0;
  const h = Math.min(d[3] + d[1], g[3] + g[1]) - Math.max(d[1], g[1]);
  if (h <= 0) return 0;
  const i = w * h;
  const da = d[2] * d[3];
  return i / (crowd ? da : da + g[2] * g[3] - i);
}

export function literalCocoEval(gtJson: any, dtJson: any[], p: LiteralParams) {
  const imgIds = [...new Set<number>(gtJson.images.map((i: any) => i.id))].sort((a, b) => a - b);
  const catIds = [...new Set<number>(gtJson.categories.map((c: any) => c.id))].sort((a, b) => a - b);
  const gts = new Map<string, Ann[]>();
  const dts = new Map<string, Ann[]>();
  const push = (m: Map<string, Ann[]>, a: Ann) => {
    const key = `${a.image_id},${a.category_id}`;
    if (!m.has(key)) m.set(key, []);
    m.get(key)!.push(a);
  };
  for (const a of gtJson.annotations) {
    if (!imgIds.includes(a.image_id) || !catIds.includes(a.category_id)) continue;
    push(gts, { ...a, score: 0, ignore: a.iscrowd ? 1 : 0 });
  }
  dtJson.forEach((d, i) => {
    if (!catIds.includes(d.category_id)) return;
    push(dts, { ...d, id: i + 1, area: d.bbox[2] * d.bbox[3], iscrowd: 0 });
  });
  const get = (m: Map<string, Ann[]>, img: number, cat: number): Ann[] =>
    p.useCats ? (m.get(`${img},${cat}`) ?? []) : catIds.flatMap((c) => m.get(`${img},${c}`) ?? []);
  const evalCats = p.useCats ? catIds : [-1];
  const maxDetLast = p.maxDets[p.maxDets.length - 1];

  const evaluateImg = (img: number, cat: number, aRng: [number, number]): EvalImg | null => {
    const gt = get(gts, img, cat);
    let dt = get(dts, img, cat);
    if (gt.length === 0 && dt.length === 0) return null;
    const gIgn = gt.map((g) => (g.ignore || g.area < aRng[0] || g.area > aRng[1] ? 1 : 0));
    const gtind = gIgn
      .map((v, i) => [v, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((x) => x[1]);
    const gSorted = gtind.map((i) => gt[i]);
    const gtIg = gtind.map((i) => gIgn[i]);
    dt = stableArgsortDesc(dt.map((d) => d.score))
      .slice(0, maxDetLast)
      .map((i) => dt[i]);
    const T = p.iouThrs.length;
    const dtm = p.iouThrs.map(() => dt.map(() => 0));
    const gtm = p.iouThrs.map(() => gSorted.map(() => 0));
    const dtIg = p.iouThrs.map(() => dt.map(() => false));
    if (gSorted.length > 0 && dt.length > 0) {
      for (let t = 0; t < T; t++) {
        dt.forEach((d, di) => {
          let best = Math.min(p.iouThrs[t], 1 - 1e-10);
          let m = -1;
          for (let gi = 0; gi < gSorted.length; gi++) {
            if (gtm[t][gi] > 0 && !gSorted[gi].iscrowd) continue;
            if (m > -1 && gtIg[m] === 0 && gtIg[gi] === 1) break;
            const v = iou(d.bbox, gSorted[gi].bbox, !!gSorted[gi].iscrowd);
            if (v < best) continue;
            best = v;
            m = gi;
          }
          if (m === -1) return;
          dtIg[t][di] = gtIg[m] === 1;
          dtm[t][di] = gSorted[m].id;
          gtm[t][m] = d.id;
        });
      }
    }
    dt.forEach((d, di) => {
      const out = d.area < aRng[0] || d.area > aRng[1];
      for (let t = 0; t < T; t++) dtIg[t][di] = dtIg[t][di] || (dtm[t][di] === 0 && out);
    });
    return { dtScores: dt.map((d) => d.score), dtMatches: dtm, dtIgnore: dtIg, gtIgnore: gtIg };
  };

  const T = p.iouThrs.length,
    R = p.recThrs.length,
    K = evalCats.length,
    A = p.areaRng.length,
    M = p.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  evalCats.forEach((cat, k) => {
    p.areaRng.forEach((aRng, a) => {
      const E = imgIds.map((img) => evaluateImg(img, cat, aRng)).filter((e): e is EvalImg => e !== null);
      p.maxDets.forEach((maxDet, m) => {
        if (E.length === 0) return;
        const sc = E.flatMap((e) => e.dtScores.slice(0, maxDet));
        const inds = stableArgsortDesc(sc);
        const npig = E.reduce((n, e) => n + e.gtIgnore.filter((g) => g === 0).length, 0);
        if (npig === 0) return;
        for (let t = 0; t < T; t++) {
          const dm = E.flatMap((e) => e.dtMatches[t].slice(0, maxDet));
          const di = E.flatMap((e) => e.dtIgnore[t].slice(0, maxDet));
          let tp = 0,
            fp = 0;
          const rc: number[] = [],
            pr: number[] = [];
          for (const i of inds) {
            if (dm[i] !== 0 && !di[i]) tp++;
            if (dm[i] === 0 && !di[i]) fp++;
            rc.push(tp / npig);
            pr.push(tp / (fp + tp + 2.220446049250313e-16));
          }
          const nd = rc.length;
          recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1] : 0;
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i]!;
          p.recThrs.forEach((thr, r) => {
            let lo = 0,
              hi = nd; // searchsorted side='left' by bisection
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (rc[mid] < thr) lo = mid + 1;
              else hi = mid;
            }
            const at = (((t * R + r) * K + k) * A + a) * M + m;
            precision[at] = lo < nd ? pr[lo] : 0;
            scores[at] = lo < nd ? sc[inds[lo]] : 0;
          });
        }
      });
    });
  });
  return { precision, recall, scores };
}
