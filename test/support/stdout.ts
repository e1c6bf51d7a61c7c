// Captures what a function writes to stdout (Powertools logs and EMF metrics go there), as parsed
// JSON lines, while `fn` runs. Nothing reaches the real stdout meanwhile.
import { vi } from 'vitest';

export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const result = await fn();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}

/** The EMF blobs among the lines: each names its metrics under `_aws.CloudWatchMetrics`. */
export function emfMetricNames(lines: Record<string, unknown>[]): string[] {
  return lines.flatMap((l) => {
    const aws = l._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    return aws?.CloudWatchMetrics?.flatMap((m) => m.Metrics.map((x) => x.Name)) ?? [];
  });
}
