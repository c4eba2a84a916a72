"""The labelled data the matcher and the framing rules are measured against, and its scoring:
the seed story's exhaustive event gold (seed_gold), the framing gold (framing_gold) and the
framing rules' precision and recall (framing_score). Tests and bench/ use them; the product
does not."""
