// Python Kafka clients for compatibility tests: confluent-kafka (librdkafka underneath) and
// kafka-python, from Debian's packages (python3-confluent-kafka, python3-kafka). Debian installs
// them for /usr/bin/python3, which need not be the python3 first on PATH, so each candidate is
// asked in turn. Tests that use them skip, saying why, when no interpreter has the module.
import { execFileSync, spawn } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

/** An interpreter that can import `module`, or null. */
export function pythonWith(module: string): string | null {
  for (const candidate of CANDIDATES) {
    try {
      execFileSync(candidate, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 10_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Runs `script` with `python`, the arguments after it; resolves with its stdout, rejects with its stderr. */
export function runPython(python: string, script: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`python exited with ${code}: ${stderr}`))));
  });
}
