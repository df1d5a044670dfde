import { describe, expect, it } from 'vitest';
import { helpSectionFor, helpUrl } from './help-section';

describe("each page's section of the manual", () => {
  it('is the section of its area', () => {
    expect(helpSectionFor('/teachers')).toBe('teachers');
    expect(helpSectionFor('/teachers/42')).toBe('teachers');
    expect(helpSectionFor('/teachers/42/archive')).toBe('archive');
    expect(helpSectionFor('/me/archive')).toBe('archive');
    expect(helpSectionFor('/me/plan')).toBe('archive');
    expect(helpSectionFor('/development-plans/3')).toBe('archive');
    expect(helpSectionFor('/org/7')).toBe('teachers');
    expect(helpSectionFor('/training/3')).toBe('training');
    expect(helpSectionFor('/sessions/9/qr')).toBe('training');
    expect(helpSectionFor('/credits/register')).toBe('credits');
    expect(helpSectionFor('/verifications/12')).toBe('verification');
    expect(helpSectionFor('/certificates')).toBe('certificates');
    expect(helpSectionFor('/credit-reports')).toBe('reports');
    expect(helpSectionFor('/users')).toBe('accounts');
    expect(helpSectionFor('/change-password')).toBe('accounts');
    expect(helpSectionFor('/me/teacher')).toBe('teachers');
    expect(helpSectionFor('/courses/5/online')).toBe('online');
    expect(helpSectionFor('/courses')).toBe('training');
    expect(helpSectionFor('/me/study/3')).toBe('online');
    // the home page (工作台) and the messages have their own section
    expect(helpSectionFor('/')).toBe('home');
    expect(helpSectionFor('/messages')).toBe('home');
    // reflections have their own section, for the teacher's page and the tutors' alike
    expect(helpSectionFor('/me/study/7/reflections')).toBe('reflections');
    expect(helpSectionFor('/classes/7/reflections')).toBe('reflections');
    // an online class's homework and forum, the teachers' pages and the tutors'
    expect(helpSectionFor('/me/study/7/homework')).toBe('homework');
    expect(helpSectionFor('/spot-checks/3')).toBe('spot-check');
    expect(helpSectionFor('/programmes/pairs/3')).toBe('pairs');
    expect(helpSectionFor('/me/pairs')).toBe('pairs');
    expect(helpSectionFor('/programmes/backbone/4')).toBe('backbone');
    expect(helpSectionFor('/me/backbone')).toBe('backbone');
    expect(helpSectionFor('/lrs/rules')).toBe('lrs-rules');
    // the platforms reporting learning records and the records matching nobody
    expect(helpSectionFor('/lrs/clients')).toBe('lrs');
    expect(helpSectionFor('/lrs/review')).toBe('lrs');
    expect(helpSectionFor('/me/study/7/forum/12')).toBe('homework');
    expect(helpSectionFor('/study/classes/7/forum')).toBe('homework');
    expect(helpSectionFor('/study/tutoring')).toBe('homework');
    // setting an exam, its paper, marking and regrades
    expect(helpSectionFor('/exams')).toBe('exams');
    expect(helpSectionFor('/exams/new')).toBe('exams');
    expect(helpSectionFor('/exams/4/manage')).toBe('exams');
    expect(helpSectionFor('/exams/4/marking')).toBe('exams');
    // an exam's results and statistics
    expect(helpSectionFor('/exams/12/results')).toBe('exam-results');
    // a teacher's exams: the list, an entry, sitting one and its result
    expect(helpSectionFor('/me/exams')).toBe('exam-taking');
    expect(helpSectionFor('/exams/4/entry')).toBe('exam-taking');
    expect(helpSectionFor('/exam-attempts/9')).toBe('exam-taking');
    expect(helpSectionFor('/exam-attempts/9/result')).toBe('exam-taking');
  });

  it('is the contents where no section fits, and never a section by a mere prefix of a word', () => {
    expect(helpUrl('/nowhere')).toBe('/help');
    expect(helpUrl('/trainingx')).toBe('/help');
    expect(helpUrl('/verifications/')).toBe('/help/verification');
  });
});
