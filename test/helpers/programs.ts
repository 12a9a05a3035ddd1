// Whether an outside program a test needs (kcat, openssl, ...) is installed: such tests skip,
// saying so, when it is not (.ci/run installs them all).
import { execFileSync } from 'node:child_process';

export function hasProgram(command: string, versionArgs: readonly string[] = ['-V']): boolean {
  try {
    execFileSync(command, versionArgs, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
