/**
 * Where webhook deliveries come from. Which events of each sender Conveyor acts on is vendor
 * knowledge, kept with each sender's route in its adapter; the listener stores every verified
 * delivery but marks the rest processed on arrival so the inbox processor never looks at them.
 */

/** Where a webhook delivery came from. */
export type WebhookSource = 'gitea' | 'github' | 'plane';
