import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';

/** Rectified linear unit as a module (so it can sit in a {@link Sequential}). */
export class ReLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}
