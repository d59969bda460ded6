// Types for scripts/openclaw-paths.js, so TypeScript callers (test fixtures, bench) share its one implementation.
export declare const OPENCLAW_VERSION: string;
export declare const NODE_MAJOR: string;
export declare const NODE_PKG: string;
export interface OpenclawPaths {
  readonly root: string;
  readonly nodeDir: string;
  readonly ocDir: string;
  readonly nodeBin: string;
  readonly nodeBinDir: string;
  readonly openclawMjs: string;
  readonly openclawPkgDir: string;
  readonly ready: boolean;
}
export declare function cacheDir(env?: NodeJS.ProcessEnv): string;
export declare function openclawPaths(env?: NodeJS.ProcessEnv): OpenclawPaths;
