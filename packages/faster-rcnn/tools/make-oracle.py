#!/usr/bin/env python3
"""Generate packages/faster-rcnn/test/fixtures/*.json, the oracle values of the Faster R-CNN numerics
(run once; the tests do not need python). Deterministic: fixed seeds, CPU, float32.

  apt-get install -y python3-torch python3-torchvision   # Debian bookworm: torch 1.13, torchvision 0.14
  /usr/bin/python3 packages/faster-rcnn/tools/make-oracle.py

apdet follows MMDetection 2.1, the base the paper ran (docs/spec/detectors.md C). Each case has the
value of a transcription of the mmdet 2.1 function (mmdet21.py, built on torch ops, citing its
lines) and, where the two libraries agree, the script asserts that torchvision's own function gives
the same; where they differ (documented in src/*.ts and below), torchvision's value is stored too so
the tests can show that the difference is real:

- proposals: torchvision's filter_proposals drops boxes with a side < 1e-3 and its BoxCoder clamps
  dw/dh only from above; mmdet keeps zero-width boxes (min_bbox_size 0) and clamps both sides.
- RoI levels: mmdet floor(log2(s/56 + 1e-6)) vs torchvision floor(4 + log2(s/224) + 1e-6): the same
  buckets (<112, <224, <448, >=448) except within ~1e-6 relative of a boundary.
- RPN targets: torchvision's low-quality matches have no minimum IoU (mmdet: 0.3) and restore each
  anchor's own best GT (mmdet: the GT whose best anchor it is).
- RoI post-processing: torchvision drops boxes with a side < 1e-2 and clamps dw/dh only from above.
"""
import json
import os
import sys

import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.roi_heads import RoIHeads
from torchvision.models.detection.rpn import RegionProposalNetwork
from torchvision.ops import boxes as box_ops
from torchvision.ops.poolers import LevelMapper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmdet21  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
PAP_STDS = (0.1, 0.1, 0.2, 0.2)
TV_WEIGHTS = (10.0, 10.0, 5.0, 5.0)  # torchvision's coder weights = 1 / stds


def flat(t):
    return t.reshape(-1).tolist()


def write(name, cases):
    meta = {"generatedBy": "packages/faster-rcnn/tools/make-oracle.py", "torch": torch.__version__,
            "torchvision": torchvision.__version__}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=None, separators=(",", ":"))
        f.write("\n")


def assert_close(a, b, what, tol=1e-4):
    if a.shape != b.shape or not torch.allclose(a, b, rtol=tol, atol=tol):
        raise SystemExit(f"oracle self-check failed: {what}\n{a}\n{b}")


# ---------------------------------------------------------------- proposals
def rpn_levels(gen, image_hw, strides, scales):
    """Per level: mmdet anchors over the padded grid, random float32 logits and deltas."""
    levels = []
    for stride in strides:
        size = (-(-image_hw[0] // stride), -(-image_hw[1] // stride))
        anchors = mmdet21.grid_anchors(stride, size, scales, [0.5, 1.0, 2.0])
        t = anchors.shape[0]
        levels.append([torch.randn(t, generator=gen) * 2, torch.randn(t, 4, generator=gen), anchors])
    return levels


def torchvision_proposals(levels, img_shape, o):
    """torchvision: decode every anchor with BoxCoder(10, 10, 5, 5), then filter_proposals."""
    rpn = RegionProposalNetwork(None, None, 0.7, 0.3, 256, 0.5, dict(training=o["preNmsTopK"], testing=o["preNmsTopK"]),
                                dict(training=o["postNmsTopN"], testing=o["postNmsTopN"]), o["nmsIouThreshold"]).eval()
    coder = det_utils.BoxCoder(TV_WEIGHTS)
    anchors = torch.cat([lv[2] for lv in levels])
    deltas = torch.cat([lv[1] for lv in levels])
    proposals = coder.decode(deltas, [anchors]).view(1, -1, 4)
    objectness = torch.cat([lv[0] for lv in levels]).view(1, -1)
    boxes, scores = rpn.filter_proposals(proposals, objectness, [img_shape], [lv[0].numel() for lv in levels])
    return boxes[0], scores[0]


def proposal_case(name, levels, img_shape, o, torchvision_agrees):
    dets, ids = mmdet21.rpn_get_bboxes_single(levels, img_shape, PAP_STDS, o["preNmsTopK"], o["postNmsTopN"],
                                              o["nmsIouThreshold"], o["minSize"])
    for lv in levels:  # the logit order is the probability order: no float32 ties of sigmoid
        by_prob = torch.sort(lv[0].sigmoid(), descending=True, stable=True).indices
        assert torch.equal(by_prob, torch.sort(lv[0], descending=True, stable=True).indices), name
    tv_boxes, tv_scores = torchvision_proposals(levels, img_shape, o)
    if torchvision_agrees:
        assert_close(dets[:, :4], tv_boxes, f"{name}: mmdet vs torchvision boxes")
        assert_close(dets[:, 4], tv_scores, f"{name}: mmdet vs torchvision scores", 1e-6)
    return {
        "name": name,
        "imageShape": list(img_shape),
        "stds": list(PAP_STDS),
        "options": o,
        "levels": [{"scores": flat(s), "deltas": flat(d), "anchors": flat(a)} for s, d, a in levels],
        "mmdet": {"boxes": flat(dets[:, :4]), "scores": flat(dets[:, 4]), "levels": flat(ids)},
        "torchvision": {"boxes": flat(tv_boxes), "scores": flat(tv_scores)},
        "torchvisionAgrees": torchvision_agrees,
    }


def proposals():
    gen = torch.Generator().manual_seed(1)
    # 64x80 padded input, 60x72 valid image (anchors cross the border); strides 8/16/32: 240, 60 and
    # 18 anchors; preNmsTopK 50 > 18, so the last level keeps all of its anchors.
    opts = {"preNmsTopK": 50, "postNmsTopN": 40, "nmsIouThreshold": 0.7, "minSize": 0}
    agree = rpn_levels(gen, (64, 80), [8, 16, 32], [2.0])
    cases = [proposal_case("three-levels", agree, (60, 72), opts, True)]

    diff = rpn_levels(gen, (64, 80), [8, 16, 32], [2.0])
    s, d, a = diff[2]
    right = int(torch.argmax(a[:, 0]))  # an anchor at the right border, pushed out of the image
    s[right], d[right] = 4.5, torch.tensor([30.0, 0.0, 0.0, 0.0])
    s[12], d[12] = 4.4, torch.tensor([0.0, 0.0, -30.0, -25.0])  # dw·0.2 = −6 < −ln(1000/16): clamped
    cases.append(proposal_case("border-and-wh-clamp", diff, (60, 72), opts, False))

    small = rpn_levels(gen, (64, 80), [8, 16, 32], [2.0])
    cases.append(proposal_case("min-size", small, (60, 72), dict(opts, minSize=6), False))
    unfiltered = proposal_case("min-size-0", small, (60, 72), opts, False)
    assert cases[-1]["mmdet"]["boxes"] != unfiltered["mmdet"]["boxes"], "min-size must drop something"

    ties = rpn_levels(gen, (64, 80), [8, 16, 32], [2.0])
    (s0, d0, a0), (s1, _, _) = ties[0], ties[1]
    s0[17] = s0[5] = s1[3] = 3.9  # a tie inside level 0 and one across levels 0 and 1
    s0[31] = s0[30] = 3.7  # anchors 30 and 31 made identical, same deltas: identical boxes and logits
    a0[30], d0[30] = a0[31].clone(), d0[31].clone()
    cases.append(proposal_case("ties", ties, (60, 72), dict(opts, postNmsTopN=500), False))
    tied = cases[-1]["mmdet"]["scores"]
    assert tied.count(float(torch.sigmoid(torch.tensor(3.9)))) == 3, "the three tied logits survive"
    assert tied.count(float(torch.sigmoid(torch.tensor(3.7)))) == 1, "one of the identical boxes is suppressed"
    assert len(tied) < sum(min(50, lv[0].numel()) for lv in ties), "NMS suppresses some, none cut by top-n"
    write("proposals.json", cases)


# ---------------------------------------------------------------- RoI levels
def levels():
    sides = [16.0, 111.99, 112.0, 112.01, 223.99, 224.0, 224.01, 447.99, 448.0, 448.01, 900.0]
    boxes = [[10.0, 20.0, 10.0 + s, 20.0 + s] for s in sides]
    boxes += [[0.0, 0.0, 56.0, 224.0], [0.0, 0.0, 448.0, 112.0], [5.0, 5.0, 5.0, 50.0]]
    band = [[0.0, 0.0, 112.0 * (1 - 6e-7), 112.0 * (1 - 6e-7)], [0.0, 0.0, 448.0 * (1 - 3e-7), 448.0 * (1 - 3e-7)]]
    t = torch.tensor(boxes + band, dtype=torch.float64)
    tv = LevelMapper(2, 5)([t]) + 2
    rois = torch.cat([torch.zeros(len(t), 1, dtype=torch.float64), t], 1)
    mm = mmdet21.map_roi_levels(rois, 4) + 2
    differs = (tv != mm).tolist()
    assert differs == [False] * len(boxes) + [True] * len(band), differs
    write("levels.json", [{"name": "bucket-boundaries", "boxes": t.tolist(), "torchvision": tv.tolist(),
                           "mmdet": mm.tolist(), "mmdetDiffers": differs}])


# ---------------------------------------------------------------- RPN targets
def torchvision_rpn_labels(anchors, gts):
    """torchvision RPN matching (Matcher 0.7 / 0.3, low-quality matches): 0 object, 1 background, -1 ignored."""
    matched = det_utils.Matcher(0.7, 0.3, allow_low_quality_matches=True)(box_ops.box_iou(gts, anchors))
    labels = torch.zeros_like(matched)
    labels[matched == -1] = 1
    labels[matched == -2] = -1
    return labels


def rpn_targets():
    anchors = torch.cat([mmdet21.grid_anchors(8, (8, 8), [4.0], [0.5, 1.0, 2.0]),
                         mmdet21.grid_anchors(16, (4, 4), [4.0], [0.5, 1.0, 2.0])])
    # the last GT is small: its best IoU is below min_pos_iou 0.3, so mmdet gives it no anchor
    gts = torch.tensor([[10, 12, 40, 44], [30, 5, 62, 30], [5, 40, 25, 62], [50, 50, 54, 54]], dtype=torch.float32)
    assigned = mmdet21.max_iou_assign(anchors, gts, 0.7, 0.3, 0.3, True)
    labels = torch.full_like(assigned, -1)
    labels[assigned == 0] = 1
    labels[assigned > 0] = 0
    deltas = torch.zeros(len(anchors), 4)
    matched = torch.zeros(len(anchors), 4)
    pos = assigned > 0
    matched[pos] = gts[assigned[pos] - 1]
    deltas[pos] = mmdet21.bbox2delta(anchors[pos], matched[pos], stds=PAP_STDS)
    tv = det_utils.BoxCoder(TV_WEIGHTS).encode_single(matched[pos], anchors[pos])
    assert_close(deltas[pos], tv, "RPN deltas: mmdet bbox2delta vs torchvision encode", 1e-5)
    tv_labels = torchvision_rpn_labels(anchors, gts)
    assert not torch.equal(tv_labels, labels), "the low-quality difference must show on this case"
    empty = mmdet21.max_iou_assign(anchors, gts[:0], 0.7, 0.3, 0.3, True)
    write("rpn-targets.json", [{
        "name": "four-gts", "imageShape": [64, 64], "stds": list(PAP_STDS), "anchors": flat(anchors),
        "gtBoxes": flat(gts), "assigner": {"posIouThr": 0.7, "negIouThr": 0.3, "minPosIou": 0.3, "matchLowQuality": True},
        "mmdet": {"assigned": assigned.tolist(), "labels": labels.tolist(), "deltas": flat(deltas), "gtBoxes": flat(matched)},
        "torchvision": {"labels": tv_labels.tolist()},
        "noGtAssigned": empty.tolist(),
    }])


# ---------------------------------------------------------------- RoI targets
def roi_inputs(gen):
    gts = torch.tensor([[10, 10, 50, 50], [60, 10, 90, 40], [64, 10, 94, 40]], dtype=torch.float32)
    gt_labels = torch.tensor([2, 0, 1])
    jitter = [g + (torch.rand(4, generator=gen) - 0.5) * 0.3 * (g[2] - g[0]) for g in gts for _ in range(4)]
    xy = torch.rand(40, 2, generator=gen) * 100
    wh = 8 + torch.rand(40, 2, generator=gen) * 40
    rand = torch.cat([xy, xy + wh], 1)
    special = torch.tensor([[10, 10, 50, 90], [62, 10, 92, 40]], dtype=torch.float32)  # IoU exactly 0.5; a tie
    return torch.cat([torch.stack(jitter), rand, special]), gts, gt_labels


def roi_targets():
    gen = torch.Generator().manual_seed(3)
    proposals, gts, gt_labels = roi_inputs(gen)
    ious = mmdet21.bbox_overlaps(gts, proposals)
    assert_close(ious, box_ops.box_iou(gts, proposals), "mmdet bbox_overlaps vs torchvision box_iou", 1e-6)
    assert ious[0, -2] == 0.5 and ious[1, -1] == ious[2, -1] > 0.5
    assert (((ious - 0.5).abs() < 1e-4).sum()) == 1, "no other IoU within 1e-4 of the threshold"
    assigned = mmdet21.max_iou_assign(proposals, gts, 0.5, 0.5, 0.5, False)
    assert assigned[-2] == 1 and assigned[-1] == 2, "IoU 0.5 is positive; a tie goes to the first GT"
    pos, neg = mmdet21.pseudo_sample(assigned)
    pos_gt = assigned[pos] - 1
    labels, deltas = mmdet21.roi_get_target_single(proposals[pos], proposals[neg], gts[pos_gt], gt_labels[pos_gt], 3,
                                                   PAP_STDS)
    tv = det_utils.BoxCoder(TV_WEIGHTS).encode_single(gts[pos_gt], proposals[pos])
    assert_close(deltas[: len(pos)], tv, "RoI deltas: mmdet bbox2delta vs torchvision encode", 1e-5)
    # RandomSampler with add_gt_as_proposals: the oracle cannot draw our random numbers, so it gives
    # every candidate's assignment, label and target; the tests check what the sampler picked.
    cand_assigned, candidates = mmdet21.add_gt(assigned, proposals, gts)
    cand_pos = cand_assigned > 0
    cand_labels = torch.full_like(cand_assigned, 3)
    cand_labels[cand_pos] = gt_labels[cand_assigned[cand_pos] - 1]
    cand_deltas = torch.zeros(len(candidates), 4)
    cand_deltas[cand_pos] = mmdet21.bbox2delta(candidates[cand_pos], gts[cand_assigned[cand_pos] - 1], stds=PAP_STDS)
    write("roi-targets.json", [{
        "name": "three-gts", "numClasses": 3, "stds": list(PAP_STDS), "proposals": flat(proposals),
        "gtBoxes": flat(gts), "gtLabels": gt_labels.tolist(),
        "assigner": {"posIouThr": 0.5, "negIouThr": 0.5, "minPosIou": 0.5, "matchLowQuality": False},
        "pseudo": {"rois": flat(torch.cat([proposals[pos], proposals[neg]])), "labels": labels.tolist(),
                   "deltas": flat(deltas), "gtBoxes": flat(torch.cat([gts[pos_gt], torch.zeros(len(neg), 4)])),
                   "numPositives": len(pos)},
        "candidates": {"boxes": flat(candidates), "assigned": cand_assigned.tolist(), "labels": cand_labels.tolist(),
                       "deltas": flat(cand_deltas)},
    }])


# ---------------------------------------------------------------- RoI post-processing
def torchvision_detections(rois, tv_logits, tv_regression, img_shape, o):
    heads = RoIHeads(None, None, None, 0.5, 0.5, 512, 0.25, TV_WEIGHTS, o["scoreThreshold"], o["nmsIouThreshold"],
                     o["maxDetections"])
    boxes, scores, labels = heads.postprocess_detections(tv_logits, tv_regression, [rois], [img_shape])
    return boxes[0], scores[0], labels[0] - 1  # torchvision's class 0 is the background


def postprocess_case(name, rois, probs, deltas, img_shape, o, tv=None):
    dets, labels = mmdet21.roi_get_bboxes(rois, probs, deltas, img_shape, PAP_STDS, o["scoreThreshold"],
                                          o["nmsIouThreshold"], o["maxDetections"])
    case = {"name": name, "imageShape": list(img_shape), "numClasses": probs.shape[1], "stds": list(PAP_STDS),
            "options": o, "rois": flat(rois), "probs": flat(probs), "deltas": flat(deltas),
            "mmdet": {"boxes": flat(dets[:, :4]), "scores": flat(dets[:, 4]), "labels": labels.tolist()}}
    if tv is not None:
        tv_boxes, tv_scores, tv_labels = torchvision_detections(rois, *tv, img_shape, o)
        case["torchvision"] = {"boxes": flat(tv_boxes), "scores": flat(tv_scores), "labels": tv_labels.tolist()}
    return case


def roi_postprocess():
    gen = torch.Generator().manual_seed(4)
    n_base, c, img_shape = 10, 4, (100, 120)
    xy = torch.rand(n_base, 2, generator=gen) * 80
    base = torch.cat([xy, xy + 15 + torch.rand(n_base, 2, generator=gen) * 30], 1)
    rois = torch.cat([base, base + torch.randn(n_base, 4, generator=gen), base + torch.randn(n_base, 4, generator=gen)])
    n = len(rois)
    opts = {"scoreThreshold": 0.05, "nmsIouThreshold": 0.5, "maxDetections": 100}

    def softmax_inputs(logits, fg_deltas):  # torchvision: background column first
        tv_logits = logits
        tv_regression = torch.cat([torch.zeros(n, 4), fg_deltas], 1)
        return torch.softmax(tv_logits, 1)[:, 1:].contiguous(), (tv_logits, tv_regression)

    probs, tv = softmax_inputs(torch.randn(n, c + 1, generator=gen) * 2, torch.randn(n, 4 * c, generator=gen))
    agree = postprocess_case("softmax-agree", rois, probs, tv[1][:, 4:], img_shape, opts, tv)
    assert_close(torch.tensor(agree["mmdet"]["boxes"]), torch.tensor(agree["torchvision"]["boxes"]), "post boxes")
    assert agree["mmdet"]["labels"] == agree["torchvision"]["labels"], "mmdet vs torchvision labels"
    assert len(agree["mmdet"]["labels"]) < int((probs > 0.05).sum()), "NMS must remove something"

    rois_b = rois.clone()
    rois_b[0] = torch.tensor([125.0, 10.0, 150.0, 30.0])  # outside the 120-wide image: clipped to zero width
    logits = torch.randn(n, c + 1, generator=gen) * 2
    logits[0, 1] = logits[1, 2] = 6.0
    fg = torch.randn(n, 4 * c, generator=gen)
    fg[1, 4:8] = torch.tensor([0.0, 0.0, -30.0, -25.0])  # class 1 of RoI 1: dw·0.2 = −6, clamped by mmdet
    probs_b, tv_b = softmax_inputs(logits, fg)
    diff = postprocess_case("softmax-differences", rois_b, probs_b, fg, img_shape, opts, tv_b)
    mm_boxes = torch.tensor(diff["mmdet"]["boxes"]).view(-1, 4)
    assert ((mm_boxes[:, 2] - mm_boxes[:, 0]) == 0).any(), "mmdet keeps the zero-width detection"
    assert len(diff["torchvision"]["labels"]) == len(diff["mmdet"]["labels"]) - 1, "torchvision drops it"

    probs_c = torch.sigmoid(torch.randn(n, c, generator=gen) * 2)
    deltas_c = torch.randn(n, 4 * c, generator=gen)
    rois_c = rois.clone()
    probs_c[4, 0] = 0.9999
    rois_c[5], probs_c[5], deltas_c[5] = rois_c[4], probs_c[4], deltas_c[4]  # an exact duplicate: score ties
    ties = postprocess_case("sigmoid-ties-top7", rois_c, probs_c, deltas_c, img_shape, dict(opts, maxDetections=7))
    write("roi-postprocess.json", [agree, diff, ties])


if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    proposals()
    levels()
    rpn_targets()
    roi_targets()
    roi_postprocess()
    print(f"wrote {OUT}")
