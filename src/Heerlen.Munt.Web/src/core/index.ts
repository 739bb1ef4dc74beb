// The Heerlen Munt core for the web apps: pure functions, no DOM beyond crypto.getRandomValues.
export * from './bytes.js';
export * from './account.js';
export * from './hash.js';
export * from './wallet.js';
export * from './commands.js';
export * from './session.js';
export * from './merkle.js';
export * from './receipt.js';
export * from './pinbox.js';
export * from './blindrsa.js';
export * from './reward.js';
