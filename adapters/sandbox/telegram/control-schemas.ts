/**
 * What the HTTP control API accepts, checked at the boundary before anything reaches the sandbox.
 */
import { z } from 'zod';

const chatType = z.enum(['private', 'group', 'supergroup']);

const user = z.object({
  id: z.number().int().positive(),
  first_name: z.string().min(1),
  username: z.string().min(1).optional(),
});

/** POST /control/chats */
export const registerChatSchema = z.object({
  id: z.number().int(),
  type: chatType.optional(),
  title: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
});

/** POST /control/messages */
export const postMessageSchema = z.object({
  chatId: z.number().int(),
  chatType: chatType.optional(),
  chatTitle: z.string().min(1).optional(),
  from: user,
  text: z.string().min(1),
});

/** POST /control/press */
export const pressSchema = z.object({
  chatId: z.number().int(),
  messageId: z.number().int().positive(),
  from: user,
  data: z.string().min(1),
  timeoutMs: z.number().int().min(0).max(120_000).optional(),
});

/** POST /control/clock */
export const clockSchema = z.object({ advanceMs: z.number().min(0) });

/** POST /control/limits */
export const limitsSchema = z.object({
  perChatPerSecond: z.number().int().positive().optional(),
  perGroupPerMinute: z.number().int().positive().optional(),
  globalPerSecond: z.number().int().positive().optional(),
});

/** POST /control/fault: `{ fault }`, null clears it. */
export const faultSchema = z.object({
  fault: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('conflict') }),
      z.object({ type: z.literal('unauthorized') }),
      z.object({
        type: z.literal('server-error'),
        status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
        html: z.boolean().optional(),
      }),
      z.object({ type: z.literal('outage'), mode: z.enum(['reset', 'refused']).optional() }),
    ])
    .nullable(),
});

/** Parses `value` with `schema`: the data, or a one-line reason naming the bad fields. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { readonly type: 'ok'; readonly value: T } | { readonly type: 'invalid'; readonly reason: string } {
  const result = schema.safeParse(value);
  if (result.success) return { type: 'ok', value: result.data };
  const reason = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
  return { type: 'invalid', reason };
}
