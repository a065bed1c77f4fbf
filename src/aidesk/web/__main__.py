"""`python -m aidesk.web update|check`: maintain the French catalogue of the web desk."""

import sys

from aidesk.web.i18n import main

raise SystemExit(main(sys.argv[1:]))
