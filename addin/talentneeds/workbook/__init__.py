"""The template workbook: a declarative description (:mod:`.template`) and the one
builder that writes it (:mod:`.builder`)."""
