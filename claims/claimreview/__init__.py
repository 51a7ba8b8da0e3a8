"""ClaimReview, the schema.org format fact-checkers publish: what we publish (`export`), how we
read other newsrooms' files (`parse`), and how their records become our claims (`load`, the
import's writes, reached through claims.services like every other write)."""
