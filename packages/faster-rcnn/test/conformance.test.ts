/** Faster R-CNN against the detector contract (packages/detector/src/conformance). */
import { useBackend } from '@apdet/backend';
import { describeDetectorConformance } from '@apdet/detector/conformance';
import { FASTER_RCNN_SPEC } from '../src/index.js';

describeDetectorConformance({
  spec: FASTER_RCNN_SPEC,
  useBackend,
  // faster-rcnn-tiny at 64 px (the fixed batch's 13–32 px boxes then match its 16–64 px anchors)
  // with thin FPN/heads and few proposals: a cpu step is a fraction of a second.
  config: {
    base: 'faster-rcnn-tiny',
    inputSize: [64, 64],
    fpn: { outChannels: 16 },
    rpn: { channels: 16, train: { preNmsTopK: 64, postNmsTopN: 32 }, test: { preNmsTopK: 64, postNmsTopN: 32 } },
    roi: { fcChannels: 32 },
  },
  // Two device reads per step: the RPN outputs for the host-side proposals (NMS runs on the host,
  // src/rpn-proposals.ts) and the step's packed read of the loss parts. The RoIs go to
  // @apdet/ops' multiLevelRoiAlign as a host array (src/model/roi-head.ts), so it reads nothing.
  readsPerStep: 2,
  // Every registry loss applies to the rpn + roi heads (the default list: LOSS_NAMES).
});
