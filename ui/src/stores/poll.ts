/** Runs `fn` now and every `everyMs` until the returned stop is called (a page calls it on cleanup). */
export const pollEvery = (fn: () => unknown, everyMs: number): (() => void) => {
  void fn();
  const timer = setInterval(() => void fn(), everyMs);
  return () => clearInterval(timer);
};
