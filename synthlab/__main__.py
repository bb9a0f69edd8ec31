import sys

from synthlab.cli import main

sys.exit(main())
