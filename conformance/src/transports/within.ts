// A promise's value if it settles within `ms`, else undefined. The timer is cleared when
// the promise wins: a pending timer keeps the kit's process alive after its last fixture
// (a run ended 1.5 s after its report while teardown timers ran out).
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
