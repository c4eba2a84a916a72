"""A story's data in and out of Parallax: the export (JSON, CSV tables, W3C Web Annotation),
the Web Annotation mapping both ways, and the restore of exported annotations into a story."""
