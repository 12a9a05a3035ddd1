// Certificates for the suites' TLS listeners, made with openssl when a run starts (never kept in
// the repository), the way librdkafka's CI gets them from trivup's SslApp (trivup 0.15.0,
// bundled in librdkafka's tests/trivup): an unused CA and the CA everything is signed with (both
// in all_cas.pem, the unused one first), the broker's certificate for localhost, and a client
// certificate in PEM, DER and PKCS#12 (its chain appended, password 12345678), with the same
// SSL_* environment variables trivup gives the test runner. The broker gets PEM files (sluice
// takes PEM where Kafka takes a JKS keystore).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SslSetup {
  readonly dir: string;
  /** The CA that signed the broker's and the client's certificates. */
  readonly caPem: string;
  readonly brokerCert: string;
  readonly brokerKey: string;
  /** The client's certificate (chain appended, as trivup writes it), key and their password. */
  readonly clientCert: string;
  readonly clientKey: string;
  readonly password: string;
  /** What trivup exports to librdkafka's test runner: SSL_ca_pem, SSL_pkcs, SSL_all_cas_pem, ... */
  readonly env: Readonly<Record<string, string>>;
  /**
   * An OpenSSL config file capping a client at TLS 1.2 (for OPENSSL_CONF): trivup's broker enables
   * only ssl.enabled.protocols=TLSv1.2,TLSv1.1,TLSv1, sluice has no such setting, and capping the
   * client gets the handshake librdkafka's CI has.
   */
  readonly tls12ClientConf: string;
}

/** trivup's SslApp default ssl_key_pass. */
const PASSWORD = '12345678';
const SUBJECT = (cn: string): string => `/C=NN/ST=ST/L=L/O=O/CN=${cn}`;

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

interface Ca {
  readonly key: string;
  readonly pem: string;
  readonly der: string;
  readonly srl: string;
}

function makeCa(dir: string, cn: string): Ca {
  const ca = { key: join(dir, `ca_${cn}.key`), pem: join(dir, `ca_${cn}.pem`), der: join(dir, `ca_${cn}.der`), srl: join(dir, `ca_${cn}.srl`) };
  openssl(dir, 'req', '-new', '-x509', '-keyout', ca.key, '-out', ca.pem, '-days', '10000', '-passin', `pass:${PASSWORD}`, '-passout', `pass:${PASSWORD}`, '-subj', SUBJECT(cn));
  openssl(dir, 'x509', '-outform', 'der', '-in', ca.pem, '-out', ca.der);
  return ca;
}

/** Makes the certificates in `dir` (created if missing). */
export function makeSslSetup(dir: string, clientCn = 'librdkafka'): SslSetup {
  mkdirSync(dir, { recursive: true });
  const unused = makeCa(dir, 'SslApp_unused');
  const ca = makeCa(dir, 'SslApp');
  const allCas = join(dir, 'all_cas.pem');
  writeFileSync(allCas, Buffer.concat([readFileSync(unused.pem), readFileSync(ca.pem)]));

  // The broker: a key without a password and a certificate for localhost (and 127.0.0.1).
  const brokerKey = join(dir, 'broker.key');
  const brokerCsr = join(dir, 'broker.csr');
  const brokerCert = join(dir, 'broker.pem');
  const brokerExt = join(dir, 'broker.exts');
  writeFileSync(brokerExt, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', brokerKey, '-out', brokerCsr, '-subj', SUBJECT('localhost'));
  openssl(dir, 'x509', '-req', '-CA', ca.pem, '-CAkey', ca.key, '-in', brokerCsr, '-out', brokerCert, '-days', '10000', '-CAcreateserial', '-passin', `pass:${PASSWORD}`, '-extfile', brokerExt);

  // The client, as SslApp.create_cert(cn) makes it.
  const client = {
    privPem: join(dir, `${clientCn}-priv.pem`),
    privDer: join(dir, `${clientCn}-priv.der`),
    pubPem: join(dir, `${clientCn}-pub.pem`),
    pubDer: join(dir, `${clientCn}-pub.der`),
    pkcs: join(dir, `${clientCn}.pfx`),
    req: join(dir, `${clientCn}.req`),
  };
  openssl(dir, 'genpkey', '-algorithm', 'RSA', '-pass', `pass:${PASSWORD}`, '-out', client.privPem);
  openssl(dir, 'req', '-passin', `pass:${PASSWORD}`, '-passout', `pass:${PASSWORD}`, '-key', client.privPem, '-new', '-out', client.req, '-subj', SUBJECT(clientCn));
  openssl(dir, 'x509', '-req', '-passin', `pass:${PASSWORD}`, '-in', client.req, '-CA', ca.pem, '-CAkey', ca.key, '-CAserial', ca.srl, '-out', client.pubPem);
  appendFileSync(client.pubPem, readFileSync(ca.pem));
  openssl(dir, 'x509', '-outform', 'der', '-in', client.pubPem, '-out', client.pubDer);
  openssl(dir, 'rsa', '-outform', 'der', '-passin', `pass:${PASSWORD}`, '-in', client.privPem, '-out', client.privDer);
  openssl(dir, 'pkcs12', '-export', '-descert', '-out', client.pkcs, '-inkey', client.privPem, '-in', client.pubPem, '-passin', `pass:${PASSWORD}`, '-passout', `pass:${PASSWORD}`);

  const env: Record<string, string> = {
    SSL_ca_key: ca.key,
    SSL_ca_pem: ca.pem,
    SSL_ca_der: ca.der,
    SSL_ca_srl: ca.srl,
    SSL_ca_password: PASSWORD,
    SSL_unused_ca_key: unused.key,
    SSL_unused_ca_pem: unused.pem,
    SSL_unused_ca_der: unused.der,
    SSL_unused_ca_srl: unused.srl,
    SSL_unused_ca_password: PASSWORD,
    SSL_all_cas_pem: allCas,
    SSL_client_auth: 'required',
    SSL_priv_pem: client.privPem,
    SSL_priv_der: client.privDer,
    SSL_pub_pem: client.pubPem,
    SSL_pub_der: client.pubDer,
    SSL_pkcs: client.pkcs,
    SSL_req: client.req,
    SSL_password: PASSWORD,
  };
  const tls12ClientConf = join(dir, 'openssl-tls12.cnf');
  writeFileSync(
    tls12ClientConf,
    ['openssl_conf = openssl_init', '[openssl_init]', 'ssl_conf = ssl_section', '[ssl_section]', 'system_default = system_default_section', '[system_default_section]', 'MaxProtocol = TLSv1.2', ''].join('\n'),
  );
  return { dir, caPem: ca.pem, brokerCert, brokerKey, clientCert: client.pubPem, clientKey: client.privPem, password: PASSWORD, env, tls12ClientConf };
}
