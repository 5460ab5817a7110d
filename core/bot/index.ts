// The answering bot: follow-up jobs the composition root registers.
export { createBotAnswerJob, BOT_ANSWER_JOB, type BotAnswerer, type BotDeps } from './answer-job.ts';
export { createBotResumeJob, BOT_RESUME_JOB } from './resume-job.ts';
export { conversationBefore } from './history.ts';
