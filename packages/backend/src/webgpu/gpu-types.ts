/**
 * The few members of the WebGPU API (W3C WebGPU, https://www.w3.org/TR/webgpu/) that this
 * package touches, typed structurally. The full typings (`@webgpu/types`) would declare the
 * WebGPU globals for every file of the package; `webgpu` (Dawn) is optional and loaded at run
 * time, so its types are not imported either.
 */

export interface GpuAdapterInfoLike {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Dawn ≥ 2024 (WebGPU spec); absent in older implementations. */
  readonly isFallbackAdapter?: boolean;
}

export interface GpuAdapterLike {
  readonly info: GpuAdapterInfoLike;
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  /** Older WebGPU implementations; `info.isFallbackAdapter` replaced it. */
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<GpuDeviceLike>;
}

export interface GpuDeviceLike {
  destroy(): void;
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
    forceFallbackAdapter?: boolean;
  }): Promise<GpuAdapterLike | null>;
}

/** The parts of a `GPUBuffer` a synchronous read needs. */
export interface GpuBufferLike {
  readonly size: number;
  readonly mapState: 'unmapped' | 'pending' | 'mapped';
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}
