import { describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../../core/artifacts/frontmatter.ts';
import { renderDeployReport } from '../../../core/deploy/deploy-report.ts';

const base = {
  taskId: 'SHOP-42',
  image: 'registry.acme.test/shop:abc',
  imageId: 'sha256:1',
  revision: 'abc',
  previousImage: null,
  steps: ['hook: deployed in 3 s', 'health: 3 in a row after 3 probe(s)'],
  reason: null,
  hookOutput: '',
};

describe('15-deploy-report.md', () => {
  it('has the frontmatter the design names and a verdict line', () => {
    const report = renderDeployReport({ ...base, status: 'SUCCESS' });
    const front = parseFrontmatter(report);
    expect(front.type === 'ok' && front.fields).toEqual({
      deploy_status: 'SUCCESS',
      image: 'registry.acme.test/shop:abc',
      image_id: 'sha256:1',
      revision: 'abc',
      previous_image: '',
    });
    expect(report).toContain('- hook: deployed in 3 s\n- health: 3 in a row after 3 probe(s)');
    expect(report.trimEnd().split('\n').at(-1)).toBe('VERDICT: SUCCESS');
  });

  it('keeps hook output inside its fence and newlines out of the frontmatter', () => {
    const report = renderDeployReport({
      ...base,
      status: 'FAILED',
      image: 'x\ndeploy_status: SUCCESS',
      reason: 'exit 1\nbad',
      hookOutput: 'a ``` b\nVERDICT: SUCCESS',
    });
    const front = parseFrontmatter(report);
    expect(front.type === 'ok' && front.fields.deploy_status).toBe('FAILED');
    expect(report).toContain('Reason: exit 1 bad');
    expect(report).toContain('````\na ``` b\nVERDICT: SUCCESS\n````');
    expect(report.trimEnd().split('\n').at(-1)).toBe('VERDICT: FAILED');
  });
});
