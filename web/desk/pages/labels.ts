// Words the desk shows for stored values.
import type { Priority } from '../../../core/index.ts';

export const PRIORITY_LABELS: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

/** Why the bot handed over, in words (reasons are stored as codes). */
export function handoffLabel(reason: string | null): string {
  switch (reason) {
    case null:
      return '';
    case 'customer_request':
      return 'Customer asked for a person';
    case 'low_confidence':
      return 'Bot was not sure';
    case 'model_error':
      return 'The answering model failed';
    case 'repeated_question':
      return 'Customer asked again';
    case 'answer_not_helpful':
      return 'Answer rated unhelpful';
    case 'agent':
      return 'Taken by an agent';
    default:
      return reason.replace(/_/g, ' ');
  }
}
