// Public entry of tejit: re-exports te, tir, schedule helpers, lower, build, nd and runtime.
export const version = "0.1.0";
