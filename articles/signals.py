from django.dispatch import Signal

# Sent after an import run with the story and the articles it stored, so that matching can
# take them in without the importer knowing about it.
articles_imported = Signal()
