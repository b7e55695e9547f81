"""Small transcriptions of the MMDetection 2.1 functions the paper's Faster R-CNN runs, on torch ops.

Source: fundamentalvision/Parameterized-AP-Loss at e0ab2ff12d1e15809b1f9334e8025cac2d0651a2 (an
MMDetection 2.1.0 fork, docs/spec/detectors.md). Every function names the file and lines it
transcribes. Used by make-oracle.py where mmdet 2.1 and torchvision differ; the arithmetic is
float32 like mmdet's tensors. One deliberate change, marked "STABLE": mmdet sorts scores with an
unstable sort, we sort stably so that exact ties have one documented answer (lower index first).
"""
import numpy as np
import torch


# mmdet/core/anchor/anchor_generator.py L160-185 (base anchors, center_offset 0, scale_major)
# and L253-264 (grid: row-major (y, x), then the A base anchors).
def grid_anchors(stride, featmap_size, scales, ratios):
    w = h = float(stride)
    ratios = torch.tensor(ratios, dtype=torch.float32)
    scales = torch.tensor(scales, dtype=torch.float32)
    h_ratios = torch.sqrt(ratios)
    w_ratios = 1 / h_ratios
    ws = (w * w_ratios[:, None] * scales[None, :]).view(-1)
    hs = (h * h_ratios[:, None] * scales[None, :]).view(-1)
    base = torch.stack([-0.5 * ws, -0.5 * hs, 0.5 * ws, 0.5 * hs], dim=-1)
    feat_h, feat_w = featmap_size
    shift_x = torch.arange(0, feat_w) * stride
    shift_y = torch.arange(0, feat_h) * stride
    yy, xx = torch.meshgrid(shift_y, shift_x, indexing="ij")
    shifts = torch.stack([xx.reshape(-1), yy.reshape(-1), xx.reshape(-1), yy.reshape(-1)], dim=-1).type_as(base)
    return (base[None, :, :] + shifts[:, None, :]).view(-1, 4)


# mmdet/core/bbox/coder/delta_xywh_bbox_coder.py L74-117 (bbox2delta)
def bbox2delta(proposals, gt, means=(0.0, 0.0, 0.0, 0.0), stds=(1.0, 1.0, 1.0, 1.0)):
    proposals = proposals.float()
    gt = gt.float()
    px = (proposals[..., 0] + proposals[..., 2]) * 0.5
    py = (proposals[..., 1] + proposals[..., 3]) * 0.5
    pw = proposals[..., 2] - proposals[..., 0]
    ph = proposals[..., 3] - proposals[..., 1]
    gx = (gt[..., 0] + gt[..., 2]) * 0.5
    gy = (gt[..., 1] + gt[..., 3]) * 0.5
    gw = gt[..., 2] - gt[..., 0]
    gh = gt[..., 3] - gt[..., 1]
    deltas = torch.stack([(gx - px) / pw, (gy - py) / ph, torch.log(gw / pw), torch.log(gh / ph)], dim=-1)
    return deltas.sub_(deltas.new_tensor(means).unsqueeze(0)).div_(deltas.new_tensor(stds).unsqueeze(0))


# mmdet/core/bbox/coder/delta_xywh_bbox_coder.py L120-198 (delta2bbox)
def delta2bbox(rois, deltas, means=(0.0, 0.0, 0.0, 0.0), stds=(1.0, 1.0, 1.0, 1.0), max_shape=None,
               wh_ratio_clip=16 / 1000):
    means = deltas.new_tensor(means).repeat(1, deltas.size(1) // 4)
    stds = deltas.new_tensor(stds).repeat(1, deltas.size(1) // 4)
    denorm_deltas = deltas * stds + means
    dx = denorm_deltas[:, 0::4]
    dy = denorm_deltas[:, 1::4]
    dw = denorm_deltas[:, 2::4]
    dh = denorm_deltas[:, 3::4]
    max_ratio = np.abs(np.log(wh_ratio_clip))
    dw = dw.clamp(min=-max_ratio, max=max_ratio)
    dh = dh.clamp(min=-max_ratio, max=max_ratio)
    px = ((rois[:, 0] + rois[:, 2]) * 0.5).unsqueeze(1).expand_as(dx)
    py = ((rois[:, 1] + rois[:, 3]) * 0.5).unsqueeze(1).expand_as(dy)
    pw = (rois[:, 2] - rois[:, 0]).unsqueeze(1).expand_as(dw)
    ph = (rois[:, 3] - rois[:, 1]).unsqueeze(1).expand_as(dh)
    gw = pw * dw.exp()
    gh = ph * dh.exp()
    gx = px + pw * dx
    gy = py + ph * dy
    x1 = gx - gw * 0.5
    y1 = gy - gh * 0.5
    x2 = gx + gw * 0.5
    y2 = gy + gh * 0.5
    if max_shape is not None:
        x1 = x1.clamp(min=0, max=max_shape[1])
        y1 = y1.clamp(min=0, max=max_shape[0])
        x2 = x2.clamp(min=0, max=max_shape[1])
        y2 = y2.clamp(min=0, max=max_shape[0])
    return torch.stack([x1, y1, x2, y2], dim=-1).view_as(deltas)


# mmdet/ops/nms/src/cpu/nms_cpu.cpp L7-63 (greedy NMS, +1-free areas, suppress iff IoU > thr).
def nms(dets, iou_thr):
    x1, y1, x2, y2, scores = dets.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    order = torch.sort(scores, descending=True, stable=True).indices  # STABLE (L22 sorts unstably)
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for a in range(len(order)):
        i = order[a]
        if suppressed[i]:
            continue
        keep.append(int(i))
        rest = order[a + 1:]
        w = (torch.minimum(x2[i], x2[rest]) - torch.maximum(x1[i], x1[rest])).clamp(min=0)
        h = (torch.minimum(y2[i], y2[rest]) - torch.maximum(y1[i], y1[rest])).clamp(min=0)
        inter = w * h
        ovr = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest[ovr > iou_thr]] = True
    return torch.tensor(keep, dtype=torch.long)


# mmdet/ops/nms/nms_wrapper.py L119-157 (batched_nms: offset each cluster by id * (max + 1)).
def batched_nms(bboxes, scores, inds, iou_thr):
    max_coordinate = bboxes.max()
    offsets = inds.to(bboxes) * (max_coordinate + 1)
    keep = nms(torch.cat([bboxes + offsets[:, None], scores[:, None]], -1), iou_thr)
    return torch.cat([bboxes[keep], scores[keep][:, None]], -1), keep


# mmdet/models/dense_heads/paploss_rpn_head.py L197-256 (_get_bboxes_single; the same as
# rpn_head.py L109-168) for sigmoid objectness; inputs already flattened per level in (y, x, a) order.
def rpn_get_bboxes_single(levels, img_shape, stds, nms_pre, nms_post, nms_thr, min_bbox_size):
    level_ids, mlvl_scores, mlvl_bbox_preds, mlvl_valid_anchors = [], [], [], []
    for idx, (cls_score, bbox_pred, anchors) in enumerate(levels):
        scores = cls_score.sigmoid()
        if nms_pre > 0 and scores.shape[0] > nms_pre:
            ranked_scores, rank_inds = scores.sort(descending=True, stable=True)  # STABLE
            topk_inds = rank_inds[:nms_pre]
            scores = ranked_scores[:nms_pre]
            bbox_pred = bbox_pred[topk_inds, :]
            anchors = anchors[topk_inds, :]
        mlvl_scores.append(scores)
        mlvl_bbox_preds.append(bbox_pred)
        mlvl_valid_anchors.append(anchors)
        level_ids.append(scores.new_full((scores.size(0),), idx, dtype=torch.long))
    scores = torch.cat(mlvl_scores)
    anchors = torch.cat(mlvl_valid_anchors)
    bbox_pred = torch.cat(mlvl_bbox_preds)
    proposals = delta2bbox(anchors, bbox_pred, stds=stds, max_shape=img_shape)
    ids = torch.cat(level_ids)
    if min_bbox_size > 0:
        w = proposals[:, 2] - proposals[:, 0]
        h = proposals[:, 3] - proposals[:, 1]
        valid_inds = torch.nonzero((w >= min_bbox_size) & (h >= min_bbox_size), as_tuple=False).squeeze()
        # L248 compares the SUM of the kept indices with the count (a bug that almost never
        # skips the filter); the fixtures are checked not to hit it (make-oracle.py).
        if valid_inds.sum().item() != len(proposals):
            proposals = proposals[valid_inds, :]
            scores = scores[valid_inds]
            ids = ids[valid_inds]
        else:
            assert valid_inds.numel() == len(proposals), "the L248 quirk skipped the filter"
    dets, keep = batched_nms(proposals, scores, ids, nms_thr)
    return dets[:nms_post], ids[keep][:nms_post]


# mmdet/models/roi_heads/roi_extractors/single_level_roi_extractor.py L47-51 (map_roi_levels).
def map_roi_levels(rois, num_levels, finest_scale=56):
    scale = torch.sqrt((rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2]))
    target_lvls = torch.floor(torch.log2(scale / finest_scale + 1e-6))
    return target_lvls.clamp(min=0, max=num_levels - 1).long()


# mmdet/core/bbox/iou_calculators/iou2d_calculator.py L111-130 (bbox_overlaps, mode 'iou').
def bbox_overlaps(bboxes1, bboxes2, eps=1e-6):
    lt = torch.max(bboxes1[:, None, :2], bboxes2[:, :2])
    rb = torch.min(bboxes1[:, None, 2:], bboxes2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    overlap = wh[:, :, 0] * wh[:, :, 1]
    area1 = (bboxes1[:, 2] - bboxes1[:, 0]) * (bboxes1[:, 3] - bboxes1[:, 1])
    area2 = (bboxes2[:, 2] - bboxes2[:, 0]) * (bboxes2[:, 3] - bboxes2[:, 1])
    union = area1[:, None] + area2 - overlap
    return overlap / torch.max(union, union.new_tensor([eps]))


# mmdet/core/bbox/assigners/max_iou_assigner.py L105 + L138-200 (assign_wrt_overlaps, float
# neg_iou_thr, gt_max_assign_all=True); returns gt_inds (-1 ignore, 0 negative, k+1 GT k).
def max_iou_assign(bboxes, gt_bboxes, pos_iou_thr, neg_iou_thr, min_pos_iou, match_low_quality):
    num_bboxes, num_gts = bboxes.size(0), gt_bboxes.size(0)
    assigned = torch.full((num_bboxes,), -1, dtype=torch.long)
    if num_gts == 0 or num_bboxes == 0:
        if num_gts == 0:
            assigned[:] = 0
        return assigned
    overlaps = bbox_overlaps(gt_bboxes, bboxes)
    max_overlaps, argmax_overlaps = overlaps.max(dim=0)
    gt_max_overlaps, _ = overlaps.max(dim=1)
    assigned[(max_overlaps >= 0) & (max_overlaps < neg_iou_thr)] = 0
    pos = max_overlaps >= pos_iou_thr
    assigned[pos] = argmax_overlaps[pos] + 1
    if match_low_quality:
        for i in range(num_gts):
            if gt_max_overlaps[i] >= min_pos_iou:
                assigned[overlaps[i, :] == gt_max_overlaps[i]] = i + 1
    return assigned


# mmdet/core/bbox/samplers/pseudo_sampler.py L34-41 (positives, then negatives, ascending).
def pseudo_sample(assigned):
    pos = torch.nonzero(assigned > 0, as_tuple=False).squeeze(-1).unique()
    neg = torch.nonzero(assigned == 0, as_tuple=False).squeeze(-1).unique()
    return pos, neg


# mmdet/core/bbox/assigners/assign_result.py L191-205 (add_gt_) with base_sampler.py L73-80:
# the GT boxes are prepended to the candidates, each assigned to itself.
def add_gt(assigned, bboxes, gt_bboxes):
    self_inds = torch.arange(1, gt_bboxes.size(0) + 1, dtype=torch.long)
    return torch.cat([self_inds, assigned]), torch.cat([gt_bboxes, bboxes])


# mmdet/models/roi_heads/bbox_heads/bbox_head.py L84-113 (_get_target_single, pos_weight -1,
# reg_decoded_bbox False): labels C for background, encoded deltas for positives.
def roi_get_target_single(pos_bboxes, neg_bboxes, pos_gt_bboxes, pos_gt_labels, num_classes, stds):
    num_pos, num_neg = pos_bboxes.size(0), neg_bboxes.size(0)
    labels = torch.full((num_pos + num_neg,), num_classes, dtype=torch.long)
    bbox_targets = torch.zeros(num_pos + num_neg, 4)
    if num_pos > 0:
        labels[:num_pos] = pos_gt_labels
        bbox_targets[:num_pos, :] = bbox2delta(pos_bboxes, pos_gt_bboxes, stds=stds)
    return labels, bbox_targets


# mmdet/models/roi_heads/bbox_heads/convfc_bbox_head.py L341-392 (multiclass_nms without a
# background column, as the PAP head calls it; bbox_nms.py L6-57 is the same after dropping the
# softmax heads' background column) after get_bboxes L529-533 (class-specific decode, clipped).
def roi_get_bboxes(rois, probs, bbox_pred, img_shape, stds, score_thr, nms_thr, max_num):
    bboxes = delta2bbox(rois, bbox_pred, stds=stds, max_shape=img_shape)
    bboxes = bboxes.view(probs.size(0), -1, 4)
    valid_mask = probs > score_thr  # row-major (RoI, class) order below
    bboxes = bboxes[valid_mask]
    scores = probs[valid_mask]
    labels = valid_mask.nonzero()[:, 1]
    if bboxes.numel() == 0:
        return bboxes.new_zeros((0, 5)), labels.new_zeros((0,))
    dets, keep = batched_nms(bboxes, scores, labels, nms_thr)
    if max_num > 0:
        dets = dets[:max_num]
        keep = keep[:max_num]
    return dets, labels[keep]
