from django.dispatch import Signal

# Sent after an import run with the story and the articles it stored, so that matching can
# take them in without the importer knowing about it.
articles_imported = Signal()

# Sent when an import started in the browser ended without sending articles_imported (its task
# worker was killed), with the articles it stored: matching takes them in later.
import_interrupted = Signal()
