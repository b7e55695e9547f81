export { Rng, type RngState } from '@apdet/rng';
