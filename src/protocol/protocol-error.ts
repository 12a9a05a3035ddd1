// The one error type of the protocol layer. Decoders never throw while reading (the Reader keeps
// a sticky error instead); this is what surfaces once a caller checks, and what the framing
// layer throws for unknown APIs or versions. The broker maps it to "close the connection"
// (NOTES.md §3.1: Kafka has no generic error response for a request it cannot parse).

export type ProtocolErrorKind =
  /** A read went past the end of the frame. */
  | 'TRUNCATED'
  /** A length, count or varint on the wire is impossible (negative, too long, larger than the frame). */
  | 'INVALID_LENGTH'
  /** A null arrived for a field that is not nullable in this version. */
  | 'NULL_NOT_ALLOWED'
  /** A tagged field's payload did not match its declared size. */
  | 'TAGGED_FIELD_SIZE'
  /** The API key is not one we serve. */
  | 'UNSUPPORTED_API'
  /** The API is known but this version is outside the supported range. */
  | 'UNSUPPORTED_VERSION'
  /** Encoding was asked to write a value the wire format cannot hold. */
  | 'INVALID_VALUE'
  /** The encoder wrote a different number of bytes than the size function computed (a codec bug). */
  | 'SIZE_MISMATCH';

export class ProtocolError extends Error {
  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
    /** Byte position in the buffer being read or written, when known. */
    readonly offset: number = -1,
  ) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message);
    this.name = 'ProtocolError';
  }
}
