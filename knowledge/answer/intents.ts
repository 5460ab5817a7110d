// What a customer message is, before any retrieval: a request for a person,
// or small talk (a bare greeting or thanks) that deserves a short reply
// rather than a search of the help center.

const WANTS_HUMAN = [
  // "talk to a person", "speak with someone", "connect me to an agent", "get me a real human"
  /\b(talk|speak|chat|connect|transfer|put|get)\s+(me\s+)?(to|with|through\s+to)?\s*(a|an|the|some|your|one\s+of\s+your)?\s*(real|actual|live)?\s*(human|person|people|agent|someone|somebody|representative|rep|operator|staff|manager|support\s+(agent|staff|team))\b/i,
  // "I want a human", "I need a real person", "can I have an agent"
  /\b(want|need|have|get|request)\s+(a|an|to\s+have\s+a)\s+(real\s+|actual\s+|live\s+)?(human|person|agent|representative|operator)\b/i,
  // "human please", "agent!", "operator"
  /^\s*(a\s+)?(real\s+|live\s+)?(human|agent|operator|representative|person)(\s+(please|pls|now))?\s*[.!?]*\s*$/i,
  // "not a bot", "stop the bot", "no more bot"
  /\b(not|no\s+more|stop)\s+(a\s+|the\s+|this\s+|talking\s+to\s+(a\s+|the\s+)?)?(bot|robot|machine)\b/i,
  /\b(human|live)\s+(support|help|agent|being)\b/i,
];

export function wantsHuman(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && t.length < 400 && WANTS_HUMAN.some((re) => re.test(t));
}

const GREETING = /^\s*(hi|hello|hey|hiya|howdy|yo|greetings|good\s+(morning|afternoon|evening|day)|hallo|hola|bonjour)(\s+(there|team|all|everyone|folks|support))?\s*[!.,:)\s]*$/i;
const THANKS = /^\s*((many\s+)?thanks?(\s+(a\s+lot|so\s+much|very\s+much|again|you(\s+so\s+much|\s+very\s+much)?))?|thx|ty|cheers|much\s+appreciated|great,?\s+thanks?|perfect,?\s+thanks?|(ok|okay|great|perfect|awesome),?\s+(that\s+)?(helps|worked|works)(,?\s+thanks?)?)\s*[!.:)\s]*$/i;

export function smallTalk(text: string): 'greeting' | 'thanks' | undefined {
  if (GREETING.test(text)) return 'greeting';
  if (THANKS.test(text)) return 'thanks';
  return undefined;
}
