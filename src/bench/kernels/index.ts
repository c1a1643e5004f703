// The kernel suite's public face: the runner, its rows, and the case type tests implement.
export { defaultKernelCases, FAR_FRACTION, runKernelSuite, type ConvPeer, type KernelRow, type KernelSuiteOptions, type KernelSuiteResult } from './suite.js';
export { check, instance, random, type Instance, type KernelCase, type Work } from './case.js';
