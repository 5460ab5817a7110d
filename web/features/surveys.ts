// Satisfaction surveys for every channel: resolving an answered ticket sends
// one survey message on its channel (see core/surveys/send-survey.ts).
import { createSurveyHandler, SURVEY_JOB } from '../../core/index.ts';
import type { Feature } from '../server.ts';

export const surveys: Feature = (parts) => {
  parts.addFollowUp('status_changed', SURVEY_JOB, createSurveyHandler(parts.core));
};
