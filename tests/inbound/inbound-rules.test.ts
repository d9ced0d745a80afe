/** The pure rules behind the processor: Plane state names → tracker meanings, HTML → task text. */
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/inbound/html-text.ts';
import { meaningOf, trackerGroupsFor } from '../../core/inbound/tracker-state-meaning.ts';

const state = (name: string | null, group: string | null = 'unstarted') => ({ name, group });

describe('tracker state meaning', () => {
  it.each([
    ['Approved', 'unstarted', 'approved'],
    ['BRD approved', 'started', 'approved'],
    ['Rejected', 'cancelled', 'rejected'],
    ['Blocked', 'started', 'blocked'],
    ['Needs Input', 'started', 'blocked'],
    ['needs-input', 'backlog', 'blocked'],
    ['NeedsInput', 'backlog', 'blocked'],
    ['Unblocked', 'started', 'started'],
    ['In Progress', 'started', 'started'],
    ['Done', 'completed', 'other'],
    ['Todo', 'unstarted', 'other'],
  ])('%s (%s) means %s', (name, group, meaning) => {
    expect(meaningOf(state(name, group))).toBe(meaning);
  });

  it('leaving a blocking state unblocks first; the new state still counts', () => {
    expect(trackerGroupsFor({ from: state('Blocked'), to: state('Approved'), wasBlocked: false })).toEqual([
      'unblocked',
      'approved',
    ]);
    expect(trackerGroupsFor({ from: state('Needs input'), to: state('Todo'), wasBlocked: false })).toEqual([
      'unblocked',
    ]);
    expect(trackerGroupsFor({ from: state('Blocked'), to: state('Needs input'), wasBlocked: true })).toEqual([
      'blocked',
    ]);
    expect(
      trackerGroupsFor({ from: state('Todo'), to: state('In Progress', 'started'), wasBlocked: true }),
    ).toEqual(['started']);
  });

  it("without the old state's name, the task's own blocked flag tells", () => {
    expect(trackerGroupsFor({ from: null, to: state('Todo'), wasBlocked: true })).toEqual(['unblocked']);
    expect(trackerGroupsFor({ from: state(null), to: state('Todo'), wasBlocked: false })).toEqual(['other']);
    expect(trackerGroupsFor({ from: null, to: state(null, 'started'), wasBlocked: false })).toEqual([
      'started',
    ]);
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and list items as lines and decodes entities', () => {
    expect(
      htmlToText(
        '<p>Apply &amp; check</p><ul><li>expiry</li><li>limit &lt;= 3</li></ul><p>a<br>b&nbsp;c &#x1F600; &#39;x&#39;</p>',
      ),
    ).toBe("Apply & check\n- expiry\n- limit <= 3\n\na\nb c 😀 'x'");
  });

  it('drops tags, and scripts and styles with their content; unknown entities stay as written; never throws', () => {
    expect(htmlToText('<script>alert(1)</script><style>p{}</style><p dir="rtl">مرحبا</p>')).toBe('مرحبا');
    expect(htmlToText('&#xD800; &#0; &bogus; <p>')).toBe('&#xD800; &#0; &bogus;');
    expect(htmlToText('')).toBe('');
  });
});
