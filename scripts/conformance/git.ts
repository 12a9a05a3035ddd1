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

/** HEAD of a checkout, with "+changes" when its tracked files differ from it. */
export function sluiceIdentity(checkout: string): string {
  try {
    const head = execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', checkout, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? head : `${head}+changes`;
  } catch {
    return 'unknown';
  }
}
