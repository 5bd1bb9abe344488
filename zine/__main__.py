"""``python -m zine``: the same as the ``zine`` command."""

import sys

from zine.cli import main

sys.exit(main())
