/**
 * Descriptions of the explanatory codes Alberta Health puts on assessed claims, as published in
 * ABH error codes (http://kb.telin.com/article.php?id=47), read 2026-12-01.
 * A code not listed here is shown as itself.
 * 01A and 21 follow the Alberta Medical Association's Fee Navigator page and billing tip;
 * 11, 31 and 37 follow ClinicAid's "How to Fix Common Rejection Codes in Alberta" (37 also
 * Juno EMR's help page). All sources are listed in EXPLANATORY_CODE_SOURCES.
 */
export const EXPLANATORY_CODE_SOURCES = [
  { title: 'ABH error codes (Telin knowledge base)', url: 'http://kb.telin.com/article.php?id=47' },
  {
    title: 'Fee Navigator: Explanatory Code 01A (Alberta Medical Association)',
    url: 'https://apps.albertadoctors.org/fee-navigator/explanatory-codes/01A',
  },
  {
    title: 'Rejected claims - explanatory code 21 (WCB) (Alberta Medical Association billing tip)',
    url: 'https://albertadoctors.org/news/publications/billing-tips/rejected-claims-explanatory-code-21-wcb',
  },
  {
    title: 'How to Fix Common Rejection Codes in Alberta (ClinicAid help)',
    url: 'https://help.clinicaid.ca/support/solutions/articles/3000110683-alberta-how-to-fix-common-rejection-codes',
  },
  {
    title: '37 - Business Arrangement: how to fix rejection (Juno EMR help)',
    url: 'https://help.junoemr.com/support/solutions/articles/3000115358-37-business-arrangement-how-to-fix-rejection',
  },
] as const;

export const EXPLANATORY_CODE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '01': 'Not registered: no record of personal health number',
  '01A': 'Not registered with AHCIP; if newborn, submit with Person Data Segment and newborn code',
  '01B': 'Non-resident: cannot confirm patient is an Alberta resident; obtain correct billing info',
  '01C':
    'Previous good faith claim: one was already paid for this patient, not an Alberta resident',
  '02': 'Registration number/PHN conflict: they are not for the same person',
  '03': 'Newborn: claim refused, unable to contact the parents to confirm registration',
  '04': "Donor's registration number used: submit this claim using the PHN of the donor recipient",
  '04A': 'Changed PHN: this is the correct PHN for this patient and should be used from now on',
  '05': 'Personal health number not effective for the dates of service',
  '05A': 'Invalid personal health number: the PHN is invalid or blank',
  '05AA': 'Opted-out resident: patient opted out and is liable; contact patient regarding payment',
  '05B': 'Not eligible for Alberta Health coverage for the dates of service; submit claim to WCB',
  '05BA': 'Invalid/blank registration number: claim refused',
  '05BB': 'Invalid/blank ULI: Unique Lifetime Identifier blank, invalid or not valid for recipient',
  '05C': 'Extended Health Benefits eligibility: patient did not have EHB coverage on this date',
  '11': 'Locum business arrangement',
  '21': 'WCB claim: responsibility of WCB, or changed to HSC 03.01J (unrelated condition)',
  '31': 'Incomplete person data',
  '37': 'Business arrangement invalid/blank, restricted, or not linked to submitter/practitioner',
};
