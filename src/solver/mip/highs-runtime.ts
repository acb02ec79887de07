/**
 * The one HiGHS WebAssembly runtime of the process: loaded once, on first use, and replaced
 * after anything goes wrong inside it.
 *
 * Loading compiles and instantiates a 3.5 MB module (~45 ms), so it is shared. Replacement is
 * needed because an error inside the module is not always clean: an LP text the reader rejects
 * ends in an Emscripten `abort` that skips C++ cleanup, and after about 2,000 of those a correct
 * model failed with `memory access out of bounds` (measured on highs 1.15). Validation errors the
 * JavaScript wrapper raises before entering native code leave the runtime intact and keep it.
 */
import highsModule from 'highs';
import type { Highs } from 'highs';

// The package is CommonJS with an ES-module build. TypeScript (NodeNext) reads its declarations
// as CommonJS, so the default import looks like the module object with the loader under
// `default`; at run time the ES build's default export is the loader itself. Accept both.
type LoadHighs = (typeof highsModule)['default'];
const imported = highsModule as unknown as LoadHighs | { readonly default: LoadHighs };
const loadHighs: LoadHighs = typeof imported === 'function' ? imported : imported.default;

export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

let current: Promise<Highs> | undefined;
let generation = 0;

function load(): Promise<Highs> {
  if (current !== undefined) return current;
  const loading = loadHighs();
  current = loading;
  generation++;
  // A failed load is not cached: the next call tries again.
  loading.catch(() => {
    if (current === loading) current = undefined;
  });
  return loading;
}

/**
 * Runs synchronous `work` against the shared runtime. Whatever it throws becomes
 * `{ ok: false, message }`; any error other than the wrapper's input validation also retires
 * the runtime, so the next call starts from a fresh instance.
 */
export async function withHighs<T>(work: (highs: Highs) => T): Promise<Attempt<T>> {
  const loading = load();
  let highs: Highs;
  try {
    highs = await loading;
  } catch (error) {
    return { ok: false, message: `could not load the HiGHS WebAssembly module: ${describe(error)}` };
  }
  try {
    return { ok: true, value: work(highs) };
  } catch (error) {
    // Only the instance that failed is dropped, never one a concurrent caller has since loaded.
    if (!(error instanceof highs.errors.HighsValidationError) && current === loading) current = undefined;
    return { ok: false, message: describe(error) };
  }
}

/** How many runtimes have been loaded so far (for tests of the replacement rule). */
export function runtimeGeneration(): number {
  return generation;
}

/** The current runtime's linear memory in bytes, or undefined when none is loaded (for tests). */
export async function runtimeMemoryBytes(): Promise<number | undefined> {
  return current === undefined ? undefined : (await current).memoryBytes;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Seen with highs 1.15: presolve recursing through a 5,000-node cycle of implications.
  if (error instanceof RangeError && message.includes('call stack')) return `${message} (HiGHS recursed too deeply inside WebAssembly, which runs on the JavaScript stack)`;
  return message;
}
