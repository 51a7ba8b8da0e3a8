"""The editors' admin of claims: the guards the site puts on every page (`guards`), the claim's
page (`claim`) with its workflow views (`workflow`), the other models' pages (`records`) and
the forms (`forms`). Importing it registers every model. The site itself, with its login, is
project wiring: factcheck/admin_site.py (a site inside this package would be set up while the
package registers its models, and lose them)."""

from . import claim, records  # noqa: F401  (registration)
