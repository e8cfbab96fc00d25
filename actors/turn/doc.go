// Package turn is the conversation engine of one call: a deterministic
// state machine that decides, event by event, who speaks. It is fed with
// recognition, model and synthesis events, carrier marks, keypad digits,
// configuration and the time; it acts through a Port, and the call's
// outbound clock pulls the audio it plays (Machine.NextFrame). It does no
// I/O, starts no goroutine and reads no clock, so every behaviour is
// tested by feeding events at virtual times. The call actor owns one
// Machine and serialises everything that reaches it.
//
// # Phases
//
// Each side of the conversation is in one named phase; a change the
// tables below do not list is a bug and panics (IllegalMove).
//
// The assistant (Assistant):
//
//	phase          what is happening                              leads to
//	-------------  ---------------------------------------------  -------------------------------------------------
//	Silent         no reply; the floor is the caller's            Acknowledging (an acknowledgement's audio comes)
//	                                                              Guessing (an interim stops changing; Flux's eager end)
//	                                                              Thinking (the caller's turn is committed; a welcome,
//	                                                                an idle prompt)
//	                                                              Ending (a goodbye)
//	                                                              Ended (hung up; the carrier gone)
//	Acknowledging  "mm-hmm" plays into the caller's pause         Silent (played; the caller goes on; a reply begins)
//	Guessing       a reply to an interim transcript is prepared;  Thinking (the turn ends as guessed: the guess is kept)
//	               none of it is heard                            Silent (the caller's words moved away; the turn ended
//	                                                                otherwise; the guess failed; the call ends)
//	Thinking       a reply is written and synthesised; nothing    Speaking (its first frame goes out)
//	               of it heard yet                                Silent (the caller went on before hearing it; it was
//	                                                                empty or its synthesis failed; the call ends)
//	                                                              Ending (the model ended or transferred the call)
//	Speaking       the caller hears the reply                     Paused (caller speech over it)
//	                                                              Silent (heard to its end; the call ends)
//	                                                              Ending (the model ended or transferred the call)
//	Paused         the reply is paused while caller speech over   Speaking (not an interruption: playback resumes)
//	               it is judged                                   Silent (confirmed: the reply is cut, the caller has
//	                                                                the floor; the call ends)
//	                                                              Ending (the model ended or transferred the call)
//	Ending         the last words play; nothing interrupts them   Ended (heard, cut by a curt End, or timed out)
//	Ended          the call is over                               —
//
// Ending a call from any phase (End, the carrier gone) first ends the
// reply in progress, which frees the floor (Silent), then says the
// goodbye (Ending) or hangs up (Ended).
//
// The caller (Caller):
//
//	phase      what is happening                                  leads to
//	---------  -------------------------------------------------  ---------------------------------------------------
//	Quiet      no turn in progress                                Talking (speech, words or keys)
//	Talking    the caller is taking a turn                        Finishing (a final transcript; keys)
//	                                                              Quiet (the turn is committed; it was a noise or only
//	                                                                backchannels)
//	                                                              Holding (the turn ended over the assistant)
//	                                                              Ignoring (speech over the assistant was no barge-in)
//	Finishing  the turn may be over: committed at a set time      Talking (the caller goes on)
//	           (utterance timeout, unfinished sentence, keypad,   Quiet (committed)
//	           barge-in cooldown) unless the caller goes on       Holding, Ignoring (as from Talking)
//	Holding    the turn is over but waits: for the reply the      Quiet (committed when the reply ends)
//	           caller hears (or the disclosure) to end, or for    Talking (the caller goes on)
//	           speech over it to be judged                        Finishing (a barge-in's cooldown), Ignoring
//	Ignoring   speech judged not to be a turn is ignored until    Quiet, Talking (a new burst), Finishing (words said
//	           the caller pauses                                    before the ignored ones are a turn)
//
// # Rules worth knowing
//
//   - One function ends a reply, however it ends (heard, interrupted,
//     withdrawn, cut): what runs for it stops, the history keeps only the
//     words the caller heard, its end is reported, and at the boundary a
//     waiting configuration applies and a held caller turn is committed.
//   - A guess is never heard before the caller's turn is over: its text
//     waits, or (speculative_stream_to_tts) its audio waits.
//   - A backchannel the caller says over the assistant ("okay", "uh-huh")
//     is never a turn, unless it says yes to the yes-or-no question the
//     assistant is finishing.
//   - A turn taken on an interim transcript (no final within the utterance
//     timeout) still gets the recogniser's final for those words: that
//     final replaces the interim in the turn or its history message, and
//     is never a second turn or a barge-in (settle.go).
//   - Configuration changes wait for a turn boundary; the machine keeps the
//     newest and tells the port when it applies (Port.ApplyConfig).
package turn
