// Rating cards for Teams. Answers get a small Adaptive Card under them with
// "Helpful / Not helpful", surveys one with 1-5; each button is an
// Action.Submit whose data carries a signed token. After a click the card is
// replaced by a thank-you card. The answer text travels as its own message,
// so replacing the card never touches the answer.
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { choicesFor, ratingCopy, type RatingPrompt } from '../common/rating.ts';
import type { RatingTokens } from '../common/rating-tokens.ts';

/** The key our buttons put their token under in the submitted data. */
export const RATING_DATA_KEY = 'parleyRating';
export const RATING_VERB = 'parleyRate';

export function ratingCard(prompt: RatingPrompt, tokens: RatingTokens): Attachment {
  const actions = choicesFor(prompt).map(({ label, choice }) => ({
    type: 'Action.Submit',
    title: label,
    data: { [RATING_DATA_KEY]: tokens.encode(choice) },
  }));
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [{ type: 'TextBlock', text: prompt.kind === 'answer' ? ratingCopy.answerPrompt : ratingCopy.surveyPrompt, wrap: true }],
    actions,
  });
}

export function thanksCard(text: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [{ type: 'TextBlock', text, wrap: true }],
  });
}

/** The rating token in a card submit (Action.Submit value) or execute (adaptiveCard/action invoke). */
export function ratingTokenOf(value: unknown): string | undefined {
  const v = value as { [RATING_DATA_KEY]?: unknown; action?: { data?: Record<string, unknown> } } | undefined;
  const token = v?.[RATING_DATA_KEY] ?? v?.action?.data?.[RATING_DATA_KEY];
  return typeof token === 'string' ? token : undefined;
}
