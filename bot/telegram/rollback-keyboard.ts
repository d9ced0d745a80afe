/**
 * The card's `↩️ Roll back` button (design §10, ADR 0034): on the project's latest production
 * deploy only, while an earlier image exists and no roll-back was confirmed; never on a self-deploy
 * project's card (ADR 0034). Asked at every render, so an older card loses it on its next render.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Locale } from '../../core/config/config.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { rollbackOffer } from '../../core/deploy/rollback-offer.ts';
import type { Store } from '../../core/store/store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { deployLabelsFor } from '../render/deploy-labels.ts';
import type { CallbackSigner } from './callback-data.ts';

export async function rollbackKeyboard(
  store: Store,
  project: ProjectConfig,
  taskId: string,
  signer: CallbackSigner,
  locale: Locale,
): Promise<InlineKeyboardMarkup | undefined> {
  const task = await getTask(store.db, taskId);
  if (!task || task.stage !== 'done' || !project.deploy || project.deploy.self) return undefined;
  if ((await rollbackOffer(store.db, project.deploy, task)).type !== 'offer') return undefined;
  return new InlineKeyboard().text(deployLabelsFor(locale).rollBack, signer.sign('rollback', task.id));
}
