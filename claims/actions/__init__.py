"""Every write to claims, as verbs, and the one Conflict: a match stored (matching), the
articles an interrupted import left unmatched (backlog), people's edits of the matching
(editing), labels, undo and adjudication (annotating), and the discrepancies found and kept
per event (framing). Each takes the story's lock first and checks who may write."""
