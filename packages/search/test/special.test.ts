import { describe, expect, it } from 'vitest';
import { erf, erfc, erfcx, erfinv, logNormCdf, normCdf, normMass } from '../src/special.js';

// Reference values: mpmath 1.3.0 at 50 significant digits (mp.erf, mp.erfc, mp.erfinv,
// mp.ncdf, mp.log), rounded to the nearest double. Script: test/fixtures/ref_special.py.
const ERF: [number, number][] = [
  [1e-10, 1.1283791670955126e-10],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.4999, 0.9995928300996666],
  [2.5, 0.999593047982555],
  [3, 0.9999779095030014],
  [4, 0.9999999845827421],
  [5, 0.9999999999984626],
  [6, 1.0],
  [-0.5, -0.5204998778130465],
  [-2, -0.9953222650189527],
  [-3, -0.9999779095030014],
  [-6, -1.0],
];
const ERFC: [number, number][] = [
  [0, 1.0],
  [1e-10, 0.999999999887162],
  [0.1, 0.887537083981715],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047266],
  [2.4999, 0.0004071699003334514],
  [2.5, 0.0004069520174449589],
  [3, 2.209049699858544e-5],
  [4, 1.541725790028002e-8],
  [5, 1.537459794428035e-12],
  [6, 2.1519736712498913e-17],
  [10, 2.088487583762545e-45],
  [20, 5.395865611607901e-176],
  [-0.5, 1.5204998778130465],
  [-2, 1.9953222650189528],
  [-3, 1.9999779095030015],
];
const ERFINV: [number, number][] = [
  [1e-12, 8.86226925452758e-13],
  [0.1, 0.08885599049425769],
  [0.3, 0.2724627147267543],
  [0.5, 0.4769362762044699],
  [0.7, 0.7328690779592167],
  [0.9, 1.1630871536766743],
  [0.99, 1.8213863677184494],
  [0.999999, 3.458910737275499],
  // 1 − float32 eps: the clamp bound of the official sampler.
  [0.9999998807907104, 3.7439211627767994],
  [-0.6, -0.5951160814499948],
  [-0.9999998807907104, -3.7439211627767994],
];
const LOG_PHI: [number, number][] = [
  [-40, -804.6084420137538],
  [-10, -53.23128515051247],
  [-5.5, -17.77937635262526],
  [-5, -15.064998393988725],
  [-3, -6.607726221510349],
  [-1, -1.8410216450092636],
  [0, -0.6931471805599453],
  [1, -0.17275377902344988],
  [1.96, -0.025315649164282115],
  [5, -2.866516129637636e-7],
  [8, -6.220960574271786e-16],
];
const PHI: [number, number][] = [
  [-10, 7.619853024160525e-24],
  [-5.5, 1.8989562465887718e-8],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-1, 0.15865525393145705],
  [0, 0.5],
  [1, 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [5, 0.9999997133484281],
];

/** |got − want| ≤ rel·|want| (+ a tiny absolute floor for zeros). */
function expectRel(got: number, want: number, rel: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + 1e-300);
}

describe('special functions against mpmath (50 digits)', () => {
  it('erf to 4e-16 relative', () => ERF.forEach(([x, want]) => expectRel(erf(x), want, 4e-16)));
  it('erfc to 4e-15 relative (1 − erf below 1, continued fraction above)', () =>
    ERFC.forEach(([x, want]) => expectRel(erfc(x), want, 4e-15)));
  it('erfinv to 1e-15 relative, ±∞ at ±1, NaN outside', () => {
    ERFINV.forEach(([y, want]) => expectRel(erfinv(y), want, 1e-15));
    expect(erfinv(1)).toBe(Infinity);
    expect(erfinv(-1)).toBe(-Infinity);
    expect(erfinv(1.5)).toBeNaN();
    expect(erfinv(0)).toBe(0);
  });
  it('erf(erfinv(y)) = y over a grid to 1e-15', () => {
    for (let y = -0.999; y < 1; y += 0.0137) expect(Math.abs(erf(erfinv(y)) - y)).toBeLessThan(1e-15);
  });
  it('Φ to 1e-13 relative and log Φ to 1e-13 relative, including the far tail (Φ(−40) underflows, log Φ does not)', () => {
    PHI.forEach(([z, want]) => expectRel(normCdf(z), want, 1e-13));
    LOG_PHI.forEach(([z, want]) => expectRel(logNormCdf(z), want, 1e-13));
  });
  it('erfcx is e^{x²} erfc(x) on both sides of the switch', () => {
    // mpmath: exp(x²)·erfc(x) at x = 0.5, 2.4999, 10.
    expectRel(erfcx(0.5), 0.6156903441929259, 4e-15);
    expectRel(erfcx(2.4999), 0.21081379904521055, 4e-15);
    expectRel(erfcx(10), 0.05614099274382259, 4e-15);
  });
  it('normMass(α, β) = Φ(β) − Φ(α) in each tail case', () => {
    // mpmath: ncdf(1) − ncdf(−1), ncdf(6) − ncdf(5), ncdf(−5) − ncdf(−6).
    expectRel(normMass(-1, 1), 0.6826894921370859, 1e-14);
    expectRel(normMass(5, 6), 2.8566498423415623e-7, 1e-12);
    expectRel(normMass(-6, -5), 2.8566498423415623e-7, 1e-12);
  });
});
