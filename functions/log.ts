// Structured JSON logs, one object a line: what CloudWatch Logs Insights and the local console read.
export type LogEntry = Record<string, unknown> & { level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'; message: string };

const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
const threshold = LEVELS[(process.env.LOG_LEVEL?.toUpperCase() as keyof typeof LEVELS) ?? 'INFO'] ?? LEVELS.INFO;

export function log(entry: Record<string, unknown>): void {
  const level = (entry.level as keyof typeof LEVELS | undefined) ?? 'INFO';
  if (LEVELS[level] < threshold) return;
  process.stdout.write(JSON.stringify({ timestamp: new Date().toISOString(), service: 'garmentflow-api', level, ...entry }) + '\n');
}
