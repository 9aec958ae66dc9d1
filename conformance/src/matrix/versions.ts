// Release versions (x.y.z): parse and order.
export type Triple = [number, number, number];

export function parseVersion(v: string): Triple | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)!;
  const y = parseVersion(b)!;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
