// SerialLogHandler output: `%010u [category] LEVEL: message\r\n`, the number
// being milliseconds since boot in board time (particle-facts §8).

export type LogLevel = 'TRACE' | 'INFO' | 'WARN' | 'ERROR' | 'PANIC';

export function logLine(msSinceBoot: number, category: string, level: LogLevel, message: string): string {
  const ms = Math.max(0, Math.floor(msSinceBoot)) % 4294967296;
  return `${String(ms).padStart(10, '0')} [${category}] ${level}: ${message}\r\n`;
}
