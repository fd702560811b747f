"""`python -m cccform`."""

import sys

from cccform.cli.main import main

sys.exit(main())
