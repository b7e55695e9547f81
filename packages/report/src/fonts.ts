/**
 * Text in SVG → PNG goes through sharp's librsvg/pango, which asks fontconfig for fonts. On a
 * machine with no font installed (minimal containers, CI images) pango draws a box with the
 * character's hex code for every glyph: charts without a readable label. So before the first
 * text is drawn we point FONTCONFIG_FILE at this package's fonts/fonts.conf, which includes the
 * system configuration and adds the DejaVu Sans shipped in fonts/ (Bitstream Vera licence).
 * A FONTCONFIG_FILE set by the user is left alone. fontconfig reads the variable once, at its
 * first use in the process, so this must happen before any SVG with text is rasterised.
 */
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The fonts.conf shipped with the package (system fonts + the bundled DejaVu Sans). */
export const BUNDLED_FONTS_CONF = fileURLToPath(new URL('../fonts/fonts.conf', import.meta.url));

/** Sets FONTCONFIG_FILE to {@link BUNDLED_FONTS_CONF} unless it is set already. Idempotent. */
export function prepareFonts(): void {
  process.env.FONTCONFIG_FILE ??= BUNDLED_FONTS_CONF;
}

/** Width in pixels of the inked columns of a one-line text rendered at 20 px. */
async function inkWidth(text: string): Promise<number> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="30"><rect width="400" height="30" fill="white"/><text x="4" y="22" font-family="sans-serif" font-size="20" fill="black">${text}</text></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  let first = -1;
  let last = -1;
  for (let x = 0; x < info.width; x++) {
    for (let y = 0; y < info.height; y++) {
      if (data[y * info.width + x] < 128) {
        if (first < 0) first = x;
        last = x;
        break;
      }
    }
  }
  return first < 0 ? 0 : last - first + 1;
}

let probe: Promise<boolean> | undefined;

/**
 * True when real glyphs are drawn (cached per process). Without a font, every character
 * becomes a same-width "missing glyph" box, so "iiiiiiii" is as wide as "WWWWWWWW"; with a
 * real proportional font it is far narrower.
 */
export function canRenderText(): Promise<boolean> {
  prepareFonts();
  probe ??= (async () => {
    const narrow = await inkWidth('iiiiiiii');
    const wide = await inkWidth('WWWWWWWW');
    return wide > 0 && narrow > 0 && narrow < 0.6 * wide;
  })();
  return probe;
}

let warned = false;

export const NO_FONT_MESSAGE =
  'report: no usable font (FONTCONFIG_FILE is set to a configuration without fonts?), so chart text will be unreadable; unset FONTCONFIG_FILE to use the fonts shipped with @apdet/report, or install one (Debian/Ubuntu: apt-get install fonts-dejavu-core)';

/** Prepares fonts and warns once per process if text still cannot be rendered. */
export async function warnIfNoFonts(
  onWarning: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<void> {
  if (warned) return;
  if (!(await canRenderText())) {
    warned = true;
    onWarning(NO_FONT_MESSAGE);
  }
}
