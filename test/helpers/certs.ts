// Certificates for TLS tests, made with openssl at test time (never committed): a CA, a server
// certificate for 127.0.0.1/localhost, and a client certificate for CN=alice,O=acme, all signed
// by the CA. Tests that need them skip when openssl is missing.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './batches.js';
import { hasProgram } from './programs.js';

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

const SERVER_EXTENSIONS = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Makes <name>.key and <name>.pem for `subject`, signed by the directory's CA. */
function signWithCa(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

/** Replaces the server certificate and key with new ones for common name `cn` (certificate rotation). */
export function reissueServerCertificate(certs: TestCertificates, cn: string): void {
  signWithCa(certs.dir, 'server', `/CN=${cn}`, SERVER_EXTENSIONS);
}

/** The client certificate's subject, as Kafka's principal builder names it. */
export const CLIENT_SUBJECT = 'CN=alice,O=acme';

export function hasOpenssl(): boolean {
  return hasProgram('openssl', ['version']);
}

/** The broker's tls setting for these certificates. */
export function brokerTls(certs: TestCertificates, clientAuth: 'none' | 'requested' | 'required' = 'none') {
  return { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, caFile: certs.caFile, clientAuth };
}

export function makeTestCertificates(): TestCertificates {
  const temp = tempDir('sluice-certs-');
  const at = (name: string) => join(temp.dir, name);
  openssl(temp.dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sluice test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  const sign = (name: string, subject: string, extensions: string) => signWithCa(temp.dir, name, subject, extensions);
  sign('server', '/CN=localhost', SERVER_EXTENSIONS);
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
