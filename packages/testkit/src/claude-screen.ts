/**
 * Claude Code's input box is ready: its footer reads "? for shortcuts" (2.1.197) or, with auto
 * mode on by default, "⏵⏵ auto mode on (shift+tab to cycle)" (2.1.332).
 */
export const CLAUDE_INPUT_READY = /for shortcuts|shift\+tab to cycle/i;
