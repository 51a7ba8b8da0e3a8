"""The public, read-only site: pages (`views`), Atom feeds (`feeds`), sitemaps (`sitemaps`), the
claim list's filters shared with the API (`filters`), the as-of timeline (`timeline`) and HTTP
caching (`caching`). Every read starts in claims/selectors.py."""
