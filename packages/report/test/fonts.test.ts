import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUNDLED_FONTS_CONF } from '../src/index.js';
import { withTmpDir } from './helpers.js';

const probe = path.join(import.meta.dirname, 'fixtures', 'probe-fonts.ts');

async function runProbe(env: NodeJS.ProcessEnv): Promise<{ canRenderText: boolean; fontconfigFile?: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe], {
    env,
    cwd: import.meta.dirname,
  });
  return JSON.parse(stdout);
}

describe('fonts', () => {
  it('ships a fonts.conf next to a font', () => {
    expect(existsSync(BUNDLED_FONTS_CONF)).toBe(true);
    expect(existsSync(path.join(path.dirname(BUNDLED_FONTS_CONF), 'DejaVuSans.ttf'))).toBe(true);
  });

  it('points fontconfig at the bundled configuration when FONTCONFIG_FILE is unset, and text renders', async () => {
    const env = { ...process.env };
    delete env.FONTCONFIG_FILE;
    expect(await runProbe(env)).toEqual({ canRenderText: true, fontconfigFile: BUNDLED_FONTS_CONF });
  });

  it('respects a FONTCONFIG_FILE set by the user, and detects a configuration without fonts (missing-glyph boxes)', () =>
    withTmpDir(async (dir) => {
      const conf = path.join(dir, 'fonts.conf');
      await writeFile(conf, `<?xml version="1.0"?>\n<fontconfig><cachedir>${dir}/cache</cachedir></fontconfig>\n`);
      expect(await runProbe({ ...process.env, FONTCONFIG_FILE: conf })).toEqual({
        canRenderText: false,
        fontconfigFile: conf,
      });
    }));
});
