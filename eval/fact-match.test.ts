import { describe, expect, it } from 'vitest';
import { containsFact, norm } from './fact-match.js';

// Expected values are the outputs of the Python reference in shared/EVAL.md for the same inputs.
describe('fact normaliser', () => {
  it('writes every form of a price the same way', () => {
    for (const p of ['RM 35', 'RM35', 'MYR 35.00', '35令吉', '令吉35', 'rm 35.0']) expect(norm(p)).toBe('rm35');
    expect(norm('RM 1,650')).toBe('rm1650');
    expect(norm('RM 0.80')).toBe('rm0.8');
    expect(norm('RM 25,000')).toBe('rm25000');
  });

  it('writes every form of a time as 24-hour HH:MM, in English, Malay and Chinese', () => {
    for (const t of ['2pm', '2:00 PM', '1400hrs', '14:00', '2 petang', '下午2点']) expect(norm(t)).toBe('14:00');
    expect(norm('noon')).toBe('12:00');
    expect(norm('12 noon')).toBe('12:00');
    expect(norm('midnight')).toBe('00:00');
    expect(norm('早上6点半')).toBe('06:30');
    expect(norm('下午3点15分')).toBe('15:15');
    expect(norm('晚上10点')).toBe('22:00');
    expect(norm('pukul 10 malam')).toBe('22:00');
    expect(norm('6 mlm')).toBe('18:00');
    expect(norm('12 malam')).toBe('00:00');
    expect(norm('12 tengah hari')).toBe('12:00');
    expect(norm('1 tgh hari')).toBe('13:00');
    expect(norm('jam 8 pagi')).toBe('08:00');
    expect(norm('7.30am')).toBe('07:30');
    expect(norm('9:05 a.m.')).toBe('09:05');
    expect(norm('0830h')).toBe('08:30');
    expect(norm('Check-in starts at 3:00 pm and check-out is by 12:00 noon.')).toBe('check-in starts at 15:00 and check-out is by 12:00.');
  });

  it('writes durations, counts and units one way', () => {
    expect(norm('48-hour')).toBe('48 hours');
    expect(norm('four nights')).toBe('4 nights');
    expect(norm('two-day')).toBe('2 days');
    expect(norm('1 hour 15 minutes')).toBe('1 hours 15 minutes');
    expect(norm('8 kg')).toBe('8kg');
    expect(norm('30 Mbps')).toBe('30mbps');
    expect(norm('5.5 %')).toBe('5.5%');
  });

  it('keeps Python word boundaries around Chinese text', () => {
    // "格" is a word character to Python, so "rm" right after it is not a price.
    expect(norm('价格rm35')).toBe('价格rm35');
  });

  it('finds a fact only as a whole number', () => {
    expect(containsFact('It costs RM500 per night', 'RM 50')).toBe(false);
    expect(containsFact('It costs RM 50.', 'RM 50')).toBe(true);
    expect(containsFact('RM50,00', 'RM 50')).toBe(false);
    expect(containsFact('RM 120 per night', 'RM 12')).toBe(false);
    expect(containsFact('RM 1.10 per kWh', 'RM 1')).toBe(false);
    expect(containsFact('about 1,650', '650')).toBe(false);
    expect(containsFact('from 12:30', '12:3')).toBe(false);
  });

  it('matches a fact written differently in the reply', () => {
    expect(containsFact('open 10:00 am to 10:00 pm', '10pm')).toBe(true);
    expect(containsFact('The room is 45 sqm', '45 sqm')).toBe(true);
    expect(containsFact('check in 3 petang', '3pm')).toBe(true);
    expect(containsFact('RM 0.80 per hour', 'RM 0.8')).toBe(true);
    expect(containsFact('下午3点', '3pm')).toBe(true);
    expect(containsFact('at 14:00hrs', '2 pm')).toBe(true);
    expect(containsFact('jam 3 ptg', '15:00')).toBe(true);
  });
});
