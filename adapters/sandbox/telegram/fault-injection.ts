/**
 * The faults the sandbox can play (SandboxFault) turned into the answer a Bot API request gets:
 * Telegram's 409, 401 and 5xx bodies, nginx's 502 page, or a connection closed without an answer.
 */
import type { SandboxFault } from './sandbox-types.ts';
import { TERMINATED_BY_GET_UPDATES } from './update-queue.ts';

/** How a request is answered under a fault. */
export type FaultAnswer =
  | { readonly type: 'json'; readonly status: number; readonly description: string }
  | { readonly type: 'html'; readonly status: number; readonly body: string }
  /** Close the connection without a byte of answer. */
  | { readonly type: 'reset' };

const SERVER_ERRORS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The answer `method` gets while `fault` is played, or null when the fault does not touch it. */
export function faultAnswer(fault: SandboxFault | null, method: string): FaultAnswer | null {
  if (!fault) return null;
  switch (fault.type) {
    case 'conflict':
      return method === 'getUpdates' ? { type: 'json', status: 409, description: TERMINATED_BY_GET_UPDATES } : null;
    case 'unauthorized':
      return { type: 'json', status: 401, description: 'Unauthorized' };
    case 'server-error': {
      const status = fault.status ?? 502;
      const text = `${status} ${SERVER_ERRORS[status] ?? 'Server Error'}`;
      return fault.html ? { type: 'html', status, body: nginxPage(text) } : { type: 'json', status, description: SERVER_ERRORS[status] ?? 'Server Error' };
    }
    case 'outage':
      // `refused` never reaches a handler (the sandbox stops listening); a kept-alive socket is reset.
      return { type: 'reset' };
  }
}

/** nginx's error page, as a gateway in front of the Bot API sends it. */
function nginxPage(text: string): string {
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`;
}
