# The search index is built in issue 5 (see search/indexing.py).
