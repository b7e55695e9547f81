// Bundled for the browser with Vite (tools/consumer-check.mjs) and run in a bare VM context:
// @apdet/coco-eval's main entry must need nothing from Node.
export { evaluateCoco } from '@apdet/coco-eval';
