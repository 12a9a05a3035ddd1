// SaslHandshake and SaslAuthenticate, in both of Kafka's framings: after a v1 handshake the
// tokens come inside SaslAuthenticate requests; after a v0 handshake they come as raw frames
// (rawSaslToken, called by the router). A failed exchange is answered SASL_AUTHENTICATION_FAILED
// with a message that says nothing of what was wrong, logged with the peer and the user name
// (never the password), and the connection closes.
import { ErrorCode, type ApiKey, type ApiMessages } from '../../protocol/index.js';
import { defaultSaslAuthenticateResponse } from '../../protocol/generated/sasl-authenticate.js';
import { defaultSaslHandshakeResponse } from '../../protocol/generated/sasl-handshake.js';
import { CloseConnection, type ConnectionContext } from '../connection.js';
import type { BrokerState, Handler, RequestContext } from '../request-context.js';
import { SaslExchange, authenticationFailedMessage, type SaslMechanism, type SaslStep } from '../security/sasl.js';

export const saslHandshakeHandler: Handler<typeof ApiKey.SaslHandshake> = (request, context) => {
  const { session } = context.connection;
  const mechanisms = [...context.broker.config.saslMechanisms];
  if (!session.usesSasl || session.exchange !== null || (session.authenticated && context.apiVersion === 0)) {
    return { ...defaultSaslHandshakeResponse(), errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
  }
  if (!mechanisms.includes(request.mechanism)) return { ...defaultSaslHandshakeResponse(), errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
  session.exchange = new SaslExchange(request.mechanism as SaslMechanism, context.broker.users);
  session.rawTokens = context.apiVersion === 0;
  return { ...defaultSaslHandshakeResponse(), errorCode: ErrorCode.NONE, mechanisms };
};

/** The whole step, its effect on the session included, is one SASL step: requests behind it wait (session.ts). */
export const saslAuthenticateHandler: Handler<typeof ApiKey.SaslAuthenticate> = (request, context) => context.connection.session.step(authenticate(request, context));

async function authenticate(request: ApiMessages[typeof ApiKey.SaslAuthenticate]['request'], context: RequestContext): Promise<ApiMessages[typeof ApiKey.SaslAuthenticate]['response']> {
  const { session } = context.connection;
  const exchange = session.exchange;
  if (exchange === null || session.rawTokens) {
    session.closeAfterResponse = true;
    return { ...defaultSaslAuthenticateResponse(), errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate without a SaslHandshake v1 first' };
  }
  const step = await exchange.step(request.authBytes);
  if (step.kind === 'failed') {
    fail(step, exchange.mechanism, context.connection, context.broker);
    return { ...defaultSaslAuthenticateResponse(), errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: authenticationFailedMessage(exchange.mechanism) };
  }
  const lifetimeMs = step.kind === 'done' ? succeed(step.username, context) : 0;
  if (lifetimeMs === null) {
    return { ...defaultSaslAuthenticateResponse(), errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: authenticationFailedMessage(exchange.mechanism) };
  }
  return { ...defaultSaslAuthenticateResponse(), errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.reply, sessionLifetimeMs: lifetimeMs };
};

/** A raw token after a SaslHandshake v0: the reply goes back as a raw frame; a failure closes the connection (the framing has no error). */
export function rawSaslToken(token: Buffer, connection: ConnectionContext, broker: BrokerState): Promise<Buffer> {
  return connection.session.step(rawStep(token, connection, broker));
}

async function rawStep(token: Buffer, connection: ConnectionContext, broker: BrokerState): Promise<Buffer> {
  const exchange = connection.session.exchange;
  if (exchange === null) throw new CloseConnection('a raw SASL token outside an exchange');
  const step = await exchange.step(token);
  if (step.kind === 'failed') {
    fail(step, exchange.mechanism, connection, broker);
    throw new CloseConnection(authenticationFailedMessage(exchange.mechanism));
  }
  if (step.kind === 'done') {
    const user = step.username;
    connection.session.authenticatedAs(user, broker.config.connectionsMaxReauthMs, Date.now());
  }
  const frame = Buffer.alloc(4 + step.reply.length);
  frame.writeInt32BE(step.reply.length, 0);
  step.reply.copy(frame, 4);
  return frame;
}

/** The exchange succeeded; returns the session lifetime to tell the client (0: unbounded), or null when a re-authentication changed the principal (refused). */
function succeed(username: string, context: RequestContext): number | null {
  const { session } = context.connection;
  const lifetimeMs = context.broker.config.connectionsMaxReauthMs;
  if (session.authenticated && session.principal !== `User:${username}`) {
    session.closeAfterResponse = true;
    context.broker.logger.warn({ remote: context.connection.remoteAddress, from: session.principal, to: username }, 'SASL re-authentication as another user refused');
    return null;
  }
  session.authenticatedAs(username, lifetimeMs, Date.now());
  return lifetimeMs;
}

function fail(step: Extract<SaslStep, { kind: 'failed' }>, mechanism: string, connection: ConnectionContext, broker: BrokerState): void {
  connection.session.exchange = null;
  connection.session.closeAfterResponse = true;
  broker.logger.warn({ remote: `${connection.remoteAddress}:${connection.remotePort}`, user: step.username, mechanism, reason: step.reason }, 'SASL authentication failed');
}
