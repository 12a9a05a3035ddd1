// Which commit a suite checkout is at, for the report.
import { execFileSync } from 'node:child_process';

export function gitIdentity(checkout: string): { commit: string; describe: string } {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', ['-C', checkout, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return { commit: git('rev-parse', 'HEAD'), describe: git('describe', '--tags', '--always') };
}
