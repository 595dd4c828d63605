import type { QualificationStatus } from './enums';

/**
 * The eligibility questionnaire, public by design: the real scheme's secret eligibility score
 * was a recurring complaint. Every criterion is a yes/no answer the operator reads as given.
 */
export const ELIGIBILITY_CRITERIA = [
  'publicAccess', // open to everyone, without membership
  'trainedMediators', // services delivered by trained digital mediators
  'freeForBeneficiaries', // nothing charged to the person on top of the pass
  'anonymousByDefault', // beneficiaries recorded pseudonymously, never by name
  'qualityCharter', // commits to the scheme's quality charter and its checks
] as const;
export type EligibilityCriterion = (typeof ELIGIBILITY_CRITERIA)[number];
export type EligibilityAnswers = Record<EligibilityCriterion, boolean>;

export function unmetCriteria(answers: EligibilityAnswers): EligibilityCriterion[] {
  return ELIGIBILITY_CRITERIA.filter((criterion) => !answers[criterion]);
}

export const QUALIFICATION_DECISIONS = ['qualify', 'reject', 'suspend', 'reinstate'] as const;
export type QualificationDecision = (typeof QUALIFICATION_DECISIONS)[number];

const TRANSITIONS: Record<QualificationDecision, { from: QualificationStatus[]; to: QualificationStatus }> = {
  qualify: { from: ['applied'], to: 'qualified' },
  reject: { from: ['applied'], to: 'rejected' },
  suspend: { from: ['qualified'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'qualified' },
};

/** The status a decision leads to, or undefined when it does not apply to the current status. */
export function decisionOutcome(current: QualificationStatus, decision: QualificationDecision): QualificationStatus | undefined {
  const transition = TRANSITIONS[decision];
  return transition.from.includes(current) ? transition.to : undefined;
}

/** Only qualified places bid, receive awards and record deliveries; the others keep their history. */
export const isActivePlace = (status: QualificationStatus) => status === 'qualified';
