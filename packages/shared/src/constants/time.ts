/** Alberta's civil time: every business date ("this month", payment dates) is local to it. */
export const BUSINESS_TIME_ZONE = 'America/Edmonton';
