import gc
import sys

from .cli import main

# A short run: let the cycle collector rest (pipeline._collector_paused explains the cost). What
# little cyclic garbage a run leaves goes with the process.
gc.disable()
sys.exit(main())
