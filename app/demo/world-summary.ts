/**
 * The demo's closing look at the other systems: the Plane work item (state, Conveyor's comments),
 * the Gitea pull request and commit statuses, and the real repository's default branch.
 */
import type { GiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import type { PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';

/** What Plane and Gitea hold about the demo task, as text. */
export function describeWorld(
  plane: PlaneStandin,
  gitea: GiteaStandin,
  repo: string,
  mainHead: string | null,
): string {
  const out: string[] = [];
  for (const item of plane.state.items.values()) {
    const project = plane.state.project(item.projectId);
    const state = project.states.find((s) => s.id === item.stateId);
    out.push(
      `  Plane  ${project.identifier}-${item.sequenceId} "${item.name}" · state ${state?.name ?? '?'} (${state?.group ?? '?'})`,
    );
    for (const comment of plane.state.commentsOf(item.id)) {
      const who = comment.actorId === plane.state.users.api.id ? 'Conveyor (API key)' : comment.actorId;
      out.push(
        `         💬 ${who}: ${comment.html.replace(/<[^>]*>/g, '')}  [external_id ${comment.externalId ?? '—'}]`,
      );
    }
  }
  for (const pull of gitea.state.pullRequests(repo)) {
    const merged = pull.merged
      ? `merged by ${pull.mergedBy ?? '?'}, merge commit ${(pull.mergeCommitSha ?? '').slice(0, 7)}`
      : pull.state;
    out.push(
      `  Gitea  PR #${pull.number} ${pull.head} → ${pull.base} "${pull.title}" opened by ${pull.author} · ${merged}`,
    );
  }
  const repoState = gitea.state.repo(repo);
  for (const [sha, statuses] of repoState?.statuses ?? []) {
    const latest = statuses.at(-1);
    if (latest)
      out.push(
        `         status ${sha.slice(0, 7)} "${latest.context}" ${latest.state} (${latest.description}) by ${latest.creator}`,
      );
  }
  out.push(
    `  git    ${repo} main is at ${(mainHead ?? '?').slice(0, 7)} (Gitea reports ${(gitea.state.branchHead(repo, 'main') ?? '?').slice(0, 7)})`,
  );
  return `${out.join('\n')}\n`;
}
