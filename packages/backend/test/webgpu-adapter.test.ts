// Telling a hardware WebGPU adapter from a software one, and finding a Vulkan driver without
// loading Dawn: plain functions, no GPU needed.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterLabel, describeAdapter } from '../src/webgpu/adapter.js';
import type { GpuAdapterInfoLike, GpuAdapterLike } from '../src/webgpu/gpu-types.js';
import { vulkanDriverPresent } from '../src/webgpu/vulkan-drivers.js';

const adapter = (info: Partial<GpuAdapterInfoLike>): GpuAdapterLike =>
  ({ info: { vendor: '', architecture: '', device: '', description: '', ...info } }) as GpuAdapterLike;

describe('describeAdapter', () => {
  it('lavapipe as Dawn reports it (measured here) is software', () => {
    const a = describeAdapter(
      adapter({
        vendor: 'mesa',
        architecture: 'software',
        device: 'llvmpipe-llvm-15-0-6-256-bits-',
        description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
        isFallbackAdapter: true,
      }),
    );
    expect(a.software).toBe(true);
    expect(adapterLabel(a)).toBe('mesa software (llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1), software');
  });

  it('a software rasteriser is recognised by name when no flag says so', () => {
    expect(describeAdapter(adapter({ vendor: 'google', device: 'SwiftShader Device (Subzero)' })).software).toBe(true);
    expect(describeAdapter(adapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 19)' })).software).toBe(true);
  });

  it('a GPU is hardware', () => {
    const a = describeAdapter(
      adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', isFallbackAdapter: false }),
    );
    expect(a).toEqual({
      vendor: 'nvidia',
      architecture: 'hopper',
      device: '',
      description: 'NVIDIA H200',
      software: false,
    });
    expect(adapterLabel(a)).toBe('nvidia hopper (NVIDIA H200)');
    expect(describeAdapter(adapter({ vendor: 'intel', architecture: 'gen-12lp' })).software).toBe(false);
  });
});

describe('vulkanDriverPresent (Linux)', () => {
  let dir = '';
  let icd = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-vulkan-'));
    await mkdir(path.join(dir, 'share/vulkan/icd.d'), { recursive: true });
    icd = path.join(dir, 'share/vulkan/icd.d/gpu_icd.json');
    await writeFile(icd, '{}');
    await mkdir(path.join(dir, 'empty/vulkan/icd.d'), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.runIf(process.platform === 'linux')(
    'finds a manifest named by the loader variables, or in the XDG data folders',
    () => {
      expect(vulkanDriverPresent({ VK_DRIVER_FILES: icd })).toBe(true);
      expect(vulkanDriverPresent({ VK_ICD_FILENAMES: icd })).toBe(true);
      expect(vulkanDriverPresent({ VK_DRIVER_FILES: path.join(dir, 'missing.json') })).toBe(false); // replaces the search
      expect(vulkanDriverPresent({ VK_DRIVER_FILES: path.join(dir, 'missing.json'), VK_ADD_DRIVER_FILES: icd })).toBe(
        true,
      );
      expect(vulkanDriverPresent({ XDG_DATA_DIRS: path.join(dir, 'share') })).toBe(true);
      // An empty icd.d is no driver (the search still looks at /etc/vulkan/icd.d, which may hold one).
      expect(vulkanDriverPresent({ VK_DRIVER_FILES: path.join(dir, 'empty/vulkan/icd.d') })).toBe(false);
    },
  );
});
