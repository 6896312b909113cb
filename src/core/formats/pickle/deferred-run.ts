/**
 * A memo slot the tensor fast path filled without building its value (a storage id, shape or stride tuple, a
 * hooks `OrderedDict()`, an args tuple: nothing a report reads). A BINGET that asks for it replays the run
 * `[start, end)` through the ordinary interpreter, which builds every deferred value of that run at once.
 */
export class DeferredRun {
  readonly start: number;
  readonly end: number;
  /** Replayed already (its slots hold built values, or were overwritten after the replay). */
  built = false;
  constructor(start: number, end: number) {
    this.start = start;
    this.end = end;
  }
}
