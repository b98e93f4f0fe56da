import { UsageError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { abortedJournal } from './fixtures/journals.js';
import { buildRunReport, renderHtml, renderJUnit, renderReport } from './index.js';

describe('renderReport', () => {
  const events = abortedJournal();
  it('renders each format with its media type', () => {
    expect(JSON.parse(renderReport(events, 'json').body)).toEqual(buildRunReport(events));
    expect(renderReport(events, 'junit')).toMatchObject({ contentType: 'application/xml; charset=utf-8', extension: 'xml', body: renderJUnit(events) });
    expect(renderReport(events, 'html')).toMatchObject({ contentType: 'text/html; charset=utf-8', extension: 'html', body: renderHtml(events) });
  });
  it('names the valid formats when given another', () => {
    expect(() => renderReport(events, 'pdf')).toThrow(UsageError);
    expect(() => renderReport(events, 'pdf')).toThrow('unknown report format "pdf"; use one of: json, junit, html');
  });
});
