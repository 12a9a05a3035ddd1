// `sluice broker` with TLS from flags and SLUICE_TLS_* variables: it serves the certificate it was
// given, and a rotated certificate after SIGHUP and after the files change, without a restart.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/batches.js';
import { hasOpenssl, makeTestCertificates, reissueServerCertificate, type TestCertificates } from '../helpers/certs.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const haveOpenssl = hasOpenssl();
if (!haveOpenssl) console.warn('test/cli/broker-tls.test.ts: openssl not found, skipped');

/** The common name of the certificate a new TLS connection to the port is shown. */
function servedName(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', checkServerIdentity: () => undefined }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.destroy();
      resolve(Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!haveOpenssl)('sluice broker with TLS', () => {
  let certs: TestCertificates;
  let data: ReturnType<typeof tempDir>;
  beforeAll(() => {
    certs = makeTestCertificates();
    data = tempDir('sluice-broker-tls-');
  });
  afterAll(() => {
    certs?.cleanup();
    data?.cleanup();
  });

  it('serves the certificate of --tls-cert and SLUICE_TLS_KEY_FILE, and a rotated one after SIGHUP or a change of the files', async () => {
    const args = ['--import', 'tsx', MAIN, 'broker', '--data', data.dir, '--listeners', 'SSL://127.0.0.1:0', '--tls-cert', certs.serverCertFile, '--log-level', 'info'];
    const child = spawn(process.execPath, args, { env: { ...process.env, SLUICE_TLS_KEY_FILE: certs.serverKeyFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toMatch(/listening on SSL:\/\/127\.0\.0\.1:(\d+)/);
      const port = Number(/listening on SSL:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
      expect(await servedName(port, certs.ca)).toBe('localhost');

      reissueServerCertificate(certs, 'rotated-by-sighup');
      child.kill('SIGHUP');
      await expect.poll(() => output, { timeout: 5_000 }).toContain('"why":"SIGHUP"');
      expect(await servedName(port, certs.ca)).toBe('rotated-by-sighup');

      reissueServerCertificate(certs, 'rotated-by-watch');
      await expect.poll(() => servedName(port, certs.ca), { timeout: 10_000, interval: 500 }).toBe('rotated-by-watch');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
