"""Pure text code: a body cut into sentences (segmentation), who a sentence says is speaking
(attribution), and the dates a sentence states (dates). No database, no Django."""
