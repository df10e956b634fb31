// jstat ships no types; the test compares against its normal distribution only.
declare module 'jstat' {
  export const jStat: { normal: { cdf(x: number, mean: number, sd: number): number } }
}
