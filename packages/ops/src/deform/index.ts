export { msDeformAttn } from './ms-deform-attn.js';
