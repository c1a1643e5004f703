// gpu.js as the browser program sees it (web/tsconfig.json maps the package here). The web bundle never
// loads gpu.js (scripts/build-web.ts refuses it), and its real types change meaning under the DOM library:
// KernelVariable names DOM image and canvas types, unresolved (so accepting anything) in the Node program and
// strict here, where they reject the Int32Array tensors src/ hands the CPU backend. The CPU backend's types
// are checked by the Node program (tsconfig.json).
/* eslint-disable @typescript-eslint/no-explicit-any */
export type GPU = any;
export type IKernelRunShortcut = any;
export type IKernelFunctionThis = any;
export type KernelFunction = any;
