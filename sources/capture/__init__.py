"""The evidence vault: every cited document fetched safely, archived as WARC with its main
text, metadata and SHA-256, and watched for changes (issue 14). `fetch` fetches, `warc` writes
the archive, `extract` reads text and metadata, `services` records captures, `tasks` runs
them in the background, `signals` asks for one when a source is added or its address changes.
"""
