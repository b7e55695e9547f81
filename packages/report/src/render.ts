/**
 * Chart rendering without a browser or the `canvas` package: vega-lite spec → vega spec →
 * headless vega View → SVG string → PNG with sharp (librsvg draws the SVG, fontconfig finds
 * the fonts for its text).
 */
import { atomicWriteFile } from '@apdet/io';
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { warnIfNoFonts } from './fonts.js';

export interface RenderOptions {
  /** Pixel density: the PNG is `scale` times the spec's size in CSS pixels (default 2, crisp on high-DPI screens). */
  scale?: number;
  /** Called once per process when fontconfig finds no font (charts would have no text). Default: a line on stderr. */
  onWarning?: (message: string) => void;
}

export interface RenderedPng {
  file: string;
  width: number;
  height: number;
}

/** Compiles a vega-lite spec and renders it headlessly to an SVG string (`scale` multiplies width/height). */
export async function renderVegaLiteToSvg(spec: TopLevelSpec, scale = 1): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}

/**
 * Renders a vega-lite spec to a PNG file (written atomically). Any vega-lite chart works;
 * this is the one entry point the report's charts and other apps' plots share.
 *
 * @example
 * await renderVegaLiteToPng(
 *   { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line',
 *     encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
 *   'out/chart.png',
 * );
 */
export async function renderVegaLiteToPng(
  spec: TopLevelSpec,
  outFile: string,
  options: RenderOptions = {},
): Promise<RenderedPng> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new RangeError(`renderVegaLiteToPng: scale must be a positive number, got ${scale}`);
  await warnIfNoFonts(options.onWarning);
  const svg = await renderVegaLiteToSvg(spec, scale);
  const { data, info } = await sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true });
  await atomicWriteFile(outFile, data);
  return { file: outFile, width: info.width, height: info.height };
}
