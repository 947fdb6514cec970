"""`python -m generator` is `storefront`."""

import sys

from generator.cli import main

sys.exit(main())
