package turn

import "strconv"

// ReplyID names one reply of the assistant to the port: the events of its
// generation, synthesis and tools come back tagged with it, so that those
// of a reply that has ended are recognised and dropped.
type ReplyID int

// TurnNumber counts the conversation's turns, as events report them: each
// committed caller turn, and each reply the assistant starts on its own (a
// welcome, an idle prompt, a goodbye), takes the next number.
type TurnNumber int

func (id ReplyID) String() string { return "r" + strconv.Itoa(int(id)) }
