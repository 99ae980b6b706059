import type { CallContext, ObjectChunk } from '@lithops/core';

export function countLines(chunk: ObjectChunk): Promise<{ key: string; part: number; lines: number }>;
export function writeNote(text: string, ctx: CallContext): Promise<string>;
