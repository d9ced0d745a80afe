/**
 * The demo on Gitea and Plane (the default): the stand-ins of demo-world.ts, Priya creating a
 * Plane work item, and the closing look at Plane's item and Gitea's pull request.
 */
import { demoProject } from './demo-project.ts';
import type { DemoScene } from './demo-scene.ts';
import { PLANE_PROJECT, REPO, startDemoWorld } from './demo-world.ts';
import { describePlaneDelivery, type WebhookLog } from './webhook-log.ts';
import { describeWorld } from './world-summary.ts';

/** Start Telegram, Gitea (hosting `remote`) and Plane. */
export async function startGiteaScene(remote: string, log: WebhookLog, agentEnv: Readonly<Record<string, string | undefined>>): Promise<DemoScene> {
  const world = await startDemoWorld(remote, log, agentEnv);
  return {
    telegram: world.telegram,
    env: world.env,
    secrets: world.secrets,
    systems: 'Plane and Gitea',
    intro: (repository, listenerUrl) =>
      `  repository:   ${repository} (hosted by the Gitea stand-in at ${world.env.GITEA_URL})\n` +
      `  Plane API:    ${world.env.PLANE_API_URL} (stand-in, workspace ${world.env.PLANE_WORKSPACE})\n` +
      `  listener:     ${listenerUrl} (/webhooks/gitea and /webhooks/plane, HMAC-signed)\n`,
    project: demoProject,
    connect: (listenerUrl) => world.connect(listenerUrl),
    fileRequest(title, description) {
      const item = world.plane.state.createWorkItem(PLANE_PROJECT, { name: title, descriptionHtml: description.html });
      return `Priya (Plane web UI): creates work item SHOP-${item.sequenceId} "${title}" → Plane sends a signed issue webhook to the listener`;
    },
    async settle() {
      await world.gitea.settle();
      await world.plane.webhooksIdle();
    },
    describe(mainHead, webhooks) {
      for (const d of world.plane.deliveries) webhooks.record({ source: 'plane', deliveryId: d.deliveryId, what: describePlaneDelivery(d.body), status: d.status, answer: d.responseBody });
      return describeWorld(world.plane, world.gitea.standin, REPO, mainHead);
    },
    get problems() {
      return world.gitea.problems;
    },
    close: () => world.close(),
  };
}
