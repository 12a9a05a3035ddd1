// Byte layouts checked by hand against NOTES.md §3: compact strings and arrays, the empty tag
// section (one 0 byte), tagged fields written only when not default, nullable arrays, and
// unknown tags skipped by size. These pin the encoding itself, not just encode/decode symmetry.
import { describe, expect, it } from 'vitest';
import {
  decodeFetchRequest, decodeHeartbeatRequest, decodeMetadataRequest, defaultFetchRequest, defaultMetadataRequest,
  encodeFetchRequest, encodeFindCoordinatorRequest, encodeHeartbeatResponse, encodeMetadataRequest,
  sizeFetchRequest, sizeFindCoordinatorRequest, sizeHeartbeatResponse, sizeMetadataRequest,
  type FetchRequest, type MetadataRequest,
} from '../../src/protocol/generated/index.js';
import { Reader } from '../../src/protocol/reader.js';
import { encodeToBuffer } from '../../src/protocol/writer.js';

const utf8 = (s: string): string => Buffer.from(s).toString('hex');

describe('flexible encodings (NOTES.md §3.2)', () => {
  it('ends a flexible body with an empty tag section: one 0 byte', () => {
    const bytes = encodeToBuffer({ throttleTimeMs: 0, errorCode: 27 }, 4, sizeHeartbeatResponse, encodeHeartbeatResponse);
    expect(bytes.toString('hex')).toBe('00000000' + '001b' + '00');
  });

  it('writes compact strings as uvarint(length+1) and arrays as uvarint(count+1)', () => {
    const v3 = encodeToBuffer({ key: 'grp', keyType: 0, coordinatorKeys: [] }, 3, sizeFindCoordinatorRequest, encodeFindCoordinatorRequest);
    expect(v3.toString('hex')).toBe('04' + utf8('grp') + '00' + '00');
    const v4 = encodeToBuffer({ key: '', keyType: 1, coordinatorKeys: ['a', 'bc'] }, 4, sizeFindCoordinatorRequest, encodeFindCoordinatorRequest);
    expect(v4.toString('hex')).toBe('01' + '03' + '02' + utf8('a') + '03' + utf8('bc') + '00');
  });

  it('writes the same request with classic encodings below the first flexible version', () => {
    const v2 = encodeToBuffer({ key: 'grp', keyType: 0, coordinatorKeys: [] }, 2, sizeFindCoordinatorRequest, encodeFindCoordinatorRequest);
    expect(v2.toString('hex')).toBe('0003' + utf8('grp') + '00');
  });
});

describe('tagged fields', () => {
  const fetch = (clusterId: string | null): FetchRequest => ({ ...defaultFetchRequest(), clusterId, maxBytes: 1, rackId: 'r' });

  it('omits a tagged field that holds its default', () => {
    const bytes = encodeToBuffer(fetch(null), 12, sizeFetchRequest, encodeFetchRequest);
    // ... topics [] (01), forgotten [] (01), rack id 'r' (02 72), then zero tags.
    expect(bytes.subarray(-5).toString('hex')).toBe('01' + '01' + '0272' + '00');
  });

  it('writes count, tag, size, payload when the value differs from the default', () => {
    const bytes = encodeToBuffer(fetch('c'), 12, sizeFetchRequest, encodeFetchRequest);
    // One tag: tag 0 (ClusterId), size 2, compact string 'c'.
    expect(bytes.subarray(-9).toString('hex')).toBe('01' + '01' + '0272' + '01' + '00' + '02' + '0263');
    expect(decodeFetchRequest(new Reader(bytes), 12).clusterId).toBe('c');
  });

  it('skips unknown tags by their size, keeping the known ones', () => {
    // Heartbeat v4: group 'g', generation 1, member 'm', null instance id, then 2 tags: unknown 9 and unknown 200.
    const body = Buffer.from('0267' + '00000001' + '026d' + '00' + '02' + '09' + '03' + 'aabbcc' + 'c801' + '00', 'hex');
    const r = new Reader(body);
    expect(decodeHeartbeatRequest(r, 4)).toEqual({ groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
    expect(r.error).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('reports a known tagged field whose payload is shorter than its declared size', () => {
    const bytes = encodeToBuffer(fetch('c'), 12, sizeFetchRequest, encodeFetchRequest);
    const tampered = Buffer.concat([bytes.subarray(0, -4), Buffer.from('00030263ff', 'hex')]);
    const r = new Reader(tampered);
    decodeFetchRequest(r, 12);
    expect(r.error?.kind).toBe('TAGGED_FIELD_SIZE');
  });
});

describe('nullable arrays and absent fields', () => {
  const all: MetadataRequest = { ...defaultMetadataRequest(), topics: null };

  it('writes a null array as -1 (classic) or 0 (compact)', () => {
    expect(encodeToBuffer(all, 1, sizeMetadataRequest, encodeMetadataRequest).toString('hex')).toBe('ffffffff');
    expect(encodeToBuffer(all, 9, sizeMetadataRequest, encodeMetadataRequest).toString('hex')).toBe('00' + '01' + '00' + '00' + '00');
  });

  it('refuses null where the version cannot carry it (Metadata v0 topics)', () => {
    expect(() => sizeMetadataRequest(all, 0)).toThrow(/not nullable in version 0/);
  });

  it('decodes absent fields to their spec defaults', () => {
    // Metadata v0: just an empty topic array; AllowAutoTopicCreation defaults to true.
    expect(decodeMetadataRequest(new Reader(Buffer.from('00000000', 'hex')), 0)).toEqual({
      topics: [], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    });
    // Fetch v4 has no sessions or rack: SessionEpoch defaults to -1, RackId to ''.
    const v4 = Buffer.from('ffffffff' + '00000064' + '00000001' + '00100000' + '01' + '00000000', 'hex');
    const decoded = decodeFetchRequest(new Reader(v4), 4);
    expect(decoded).toMatchObject({ replicaId: -1, maxWaitMs: 100, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [] });
  });
});
