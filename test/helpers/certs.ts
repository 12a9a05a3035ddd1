// Certificates for TLS tests, made with openssl at test time (never committed): a CA, a server
// certificate for 127.0.0.1/localhost, and a client certificate for CN=alice,O=acme, all signed
// by the CA. Tests that need them skip when openssl is missing.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './batches.js';

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly ca: Buffer;
  readonly clientCert: Buffer;
  readonly clientKey: Buffer;
  cleanup(): void;
}

/** The client certificate's subject, as Kafka's principal builder names it. */
export const CLIENT_SUBJECT = 'CN=alice,O=acme';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestCertificates(): TestCertificates {
  const temp = tempDir('sluice-certs-');
  const at = (name: string) => join(temp.dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: temp.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sluice test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  const sign = (name: string, subject: string, extensions: string) => {
    writeFileSync(at(`${name}.ext`), `${extensions}\n`);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  };
  sign('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  // O first, CN last: the subject reads CN=alice,O=acme in RFC 2253 order, as Kafka prints it.
  sign('client', '/O=acme/CN=alice', 'extendedKeyUsage=clientAuth');
  return {
    dir: temp.dir,
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    ca: readFileSync(at('ca.pem')),
    clientCert: readFileSync(at('client.pem')),
    clientKey: readFileSync(at('client.key')),
    cleanup: temp.cleanup,
  };
}
