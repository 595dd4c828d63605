import { describe, it, expect } from 'vitest';
import { RoomName, isPublicRoom, parseRoom } from '../../shared/events';

describe('parseRoom', () => {
  it('reads the public room', () => {
    expect(parseRoom('public')).toEqual({ kind: 'public' });
  });

  it('reads the national room', () => {
    expect(parseRoom('national')).toEqual({ kind: 'national' });
  });

  it('reads the public room of a funding round with its id', () => {
    expect(parseRoom('public:round:3')).toEqual({ kind: 'public-round', id: 3 });
  });

  it('reads each private room kind with its numeric id', () => {
    expect(parseRoom('org:12')).toEqual({ kind: 'org', id: 12 });
    expect(parseRoom('place:5')).toEqual({ kind: 'place', id: 5 });
    expect(parseRoom('partnership:2')).toEqual({ kind: 'partnership', id: 2 });
    expect(parseRoom('order:9')).toEqual({ kind: 'order', id: 9 });
    expect(parseRoom('round:1')).toEqual({ kind: 'round', id: 1 });
  });

  it('reads an id of fifteen digits', () => {
    expect(parseRoom('org:123456789012345')).toEqual({ kind: 'org', id: 123_456_789_012_345 });
  });

  it('refuses a room kind without its id', () => {
    expect(parseRoom('org:')).toBeUndefined();
    expect(parseRoom('public:round:')).toBeUndefined();
  });

  it('refuses an id that is not digits', () => {
    expect(parseRoom('org:abc')).toBeUndefined();
    expect(parseRoom('org:-1')).toBeUndefined();
    expect(parseRoom('org:1.5')).toBeUndefined();
  });

  it('refuses an id of sixteen digits', () => {
    expect(parseRoom('round:1234567890123456')).toBeUndefined();
  });

  it('refuses an unknown room kind', () => {
    expect(parseRoom('admin:1')).toBeUndefined();
    expect(parseRoom('national:1')).toBeUndefined();
    expect(parseRoom('public:3')).toBeUndefined();
  });

  it('refuses trailing segments', () => {
    expect(parseRoom('place:1:extra')).toBeUndefined();
  });

  it('refuses padding, a trailing newline and another case', () => {
    expect(parseRoom(' public')).toBeUndefined();
    expect(parseRoom('org:1\n')).toBeUndefined();
    expect(parseRoom('PUBLIC')).toBeUndefined();
  });

  it('refuses a 100-character string', () => {
    expect(parseRoom('x'.repeat(100))).toBeUndefined();
    expect(parseRoom(`org:${'1'.repeat(96)}`)).toBeUndefined();
  });
});

describe('isPublicRoom', () => {
  it('the public room and public round rooms are public', () => {
    expect(isPublicRoom('public')).toBe(true);
    expect(isPublicRoom('public:round:3')).toBe(true);
  });

  it('the national room and private rooms are not public', () => {
    expect(isPublicRoom('national')).toBe(false);
    expect(isPublicRoom('round:3')).toBe(false);
    expect(isPublicRoom('org:12')).toBe(false);
  });

  it('an invalid room is not public', () => {
    expect(isPublicRoom('public:round:')).toBe(false);
    expect(isPublicRoom('public:')).toBe(false);
  });
});

describe('the RoomName schema', () => {
  it('accepts every kind of room', () => {
    for (const room of ['public', 'national', 'public:round:3', 'org:12', 'place:5', 'partnership:2', 'order:9', 'round:1']) {
      expect(RoomName.safeParse(room)).toEqual({ success: true, data: room });
    }
  });

  it('refuses malformed and unknown rooms with the message « Salon inconnu »', () => {
    for (const room of ['org:', 'org:abc', 'admin:1', 'place:1:extra']) {
      const result = RoomName.safeParse(room);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual(['Salon inconnu']);
    }
  });

  it('refuses a 100-character string for its length as well as its shape', () => {
    const result = RoomName.safeParse('x'.repeat(100));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code)).toEqual(['too_big', 'invalid_format']);
  });

  it('refuses a value that is not a string', () => {
    expect(RoomName.safeParse(12).success).toBe(false);
  });
});

describe('one name per room', () => {
  it('refuses ids with leading zeros or zero, so that org:7 has no alias', () => {
    for (const room of ['org:0', 'org:007', 'public:round:01']) expect(RoomName.safeParse(room).success).toBe(false);
    expect(RoomName.safeParse('org:7').success).toBe(true);
  });
});
