/** RetinaNet against the detector contract (packages/detector/src/conformance). */
import { useBackend } from '@apdet/backend';
import { describeDetectorConformance } from '@apdet/detector/conformance';
import { RETINANET_SPEC } from '../src/index.js';

describeDetectorConformance({
  spec: RETINANET_SPEC,
  useBackend,
  // retinanet-tiny at 32 px with thinner FPN/head: a cpu step is a fraction of a second.
  config: {
    base: 'retinanet-tiny',
    inputSize: [32, 32],
    fpn: { outChannels: 16 },
    head: { stackedConvs: 1, channels: 16 },
  },
});
