/** `conveyor doctor`: can Telegram open the dashboard (docs/dashboard.md)? */
import type { Config } from '../core/config/config.ts';
import type { DoctorCheck } from './doctor.ts';

export function checkDashboard(config: Config): DoctorCheck {
  const url = config.publicUrl;
  if (url === null) {
    return { name: 'dashboard', problems: [], warnings: ['ORCH_PUBLIC_URL: not set — no dashboard menu button or 📊 buttons, and /dash cannot make links'] };
  }
  if (!url.startsWith('https://')) {
    return {
      name: 'dashboard',
      problems: [],
      warnings: ['ORCH_PUBLIC_URL: not https — Telegram opens Mini Apps over https only, so the menu button and 📊 buttons are left out (/dash links still work)'],
    };
  }
  const app = `${url.replace(/\/+$/, '')}/app`;
  return { name: 'dashboard', problems: [], notes: [`menu button → ${app}`, `for 📊 links in groups, set the bot's main Mini App to ${app} in @BotFather`] };
}
